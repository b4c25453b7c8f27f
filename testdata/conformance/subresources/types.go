package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// WorkerSetSpec defines the desired state of WorkerSet.
type WorkerSetSpec struct {
	// Replicas is the desired count.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`
}

// WorkerSetStatus defines the observed state of WorkerSet.
type WorkerSetStatus struct {
	// Replicas is the observed count.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`
	// Selector is the label selector of the workers, as a string.
	// +optional
	Selector string `json:"selector,omitempty"`
	// Phase is a summary.
	// +kubebuilder:validation:Enum=Pending;Running;Failed
	// +optional
	Phase string `json:"phase,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:subresource:scale:specpath=.spec.replicas,statuspath=.status.replicas,selectorpath=.status.selector

// WorkerSet is the Schema for the workersets API.
type WorkerSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WorkerSetSpec `json:"spec"`
	// +optional
	Status WorkerSetStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// WorkerSetList contains a list of WorkerSet.
type WorkerSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []WorkerSet `json:"items"`
}
