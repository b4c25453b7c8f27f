package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Retry says how often to try again.
type Retry struct {
	// Attempts is 3 unless set.
	// +kubebuilder:default=3
	// +optional
	Attempts int32 `json:"attempts,omitempty"`
	// Backoff is exponential unless set.
	// +kubebuilder:default=exponential
	// +optional
	Backoff string `json:"backoff,omitempty"`
}

// SettingSpec defines the desired state of Setting: defaults of every kind of value.
type SettingSpec struct {
	// Image is nginx unless set.
	// +kubebuilder:default=nginx
	// +optional
	Image string `json:"image,omitempty"`

	// Replicas is 1 unless set.
	// +kubebuilder:default=1
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`

	// Ratio is one half unless set.
	// +kubebuilder:default=0.5
	// +optional
	Ratio float64 `json:"ratio,omitempty"`

	// Enabled is true unless set.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Tags are a and b unless set.
	// +kubebuilder:default={a,b}
	// +optional
	Tags []string `json:"tags,omitempty"`

	// Annotations have one entry unless set.
	// +kubebuilder:default={team: core}
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Retry is an empty object unless set, whose own fields are then defaulted.
	// +kubebuilder:default={}
	// +optional
	Retry *Retry `json:"retry,omitempty"`

	// Fallback is a whole object unless set.
	// +kubebuilder:default={attempts: 1, backoff: linear}
	// +optional
	Fallback *Retry `json:"fallback,omitempty"`

	// Mode is a required field with a default.
	// +kubebuilder:default=auto
	Mode string `json:"mode"`
}

// +kubebuilder:object:root=true

// Setting is the Schema for the settings API.
type Setting struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec SettingSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// SettingList contains a list of Setting.
type SettingList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Setting `json:"items"`
}
