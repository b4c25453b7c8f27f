package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BadgeSpec defines the desired state of Badge: labels and annotations on the CRD itself.
type BadgeSpec struct {
	// Holder of the badge.
	Holder string `json:"holder"`
}

// +kubebuilder:object:root=true
// +kubebuilder:metadata:labels="app.kubernetes.io/part-of=conformance"
// +kubebuilder:metadata:labels="example.com/tier=gold"
// +kubebuilder:metadata:annotations="example.com/owner=platform-team"

// Badge is the Schema for the badges API.
type Badge struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec BadgeSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// BadgeList contains a list of Badge.
type BadgeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Badge `json:"items"`
}
