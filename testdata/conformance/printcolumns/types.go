package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// JobRunSpec defines the desired state of JobRun: what kubectl get shows.
type JobRunSpec struct {
	// Image to run.
	Image string `json:"image"`
	// Parallelism of the run.
	// +optional
	Parallelism int32 `json:"parallelism,omitempty"`
	// Ratio of successes needed.
	// +optional
	Ratio float64 `json:"ratio,omitempty"`
	// Suspend the run.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:printcolumn:name="Image",type=string,JSONPath=`.spec.image`,description="The image that runs"
// +kubebuilder:printcolumn:name="Parallel",type=integer,JSONPath=`.spec.parallelism`,format=int32
// +kubebuilder:printcolumn:name="Ratio",type=number,JSONPath=`.spec.ratio`,priority=1
// +kubebuilder:printcolumn:name="Suspended",type=boolean,JSONPath=`.spec.suspend`,priority=10
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// JobRun is the Schema for the jobruns API.
type JobRun struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec JobRunSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// JobRunList contains a list of JobRun.
type JobRunList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []JobRun `json:"items"`
}
