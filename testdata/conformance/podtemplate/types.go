package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PodSetSpec defines the desired state of PodSet: a pod template and a label selector.
type PodSetSpec struct {
	// Template describes the pods to run.
	Template corev1.PodTemplateSpec `json:"template"`

	// Selector selects the pods.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// +kubebuilder:object:root=true

// PodSet is the Schema for the podsets API.
type PodSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec PodSetSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// PodSetList contains a list of PodSet.
type PodSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PodSet `json:"items"`
}
