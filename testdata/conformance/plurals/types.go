package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// IndexSpec defines the desired state of Index: its plural is left to the tools.
type IndexSpec struct {
	// Fields that are indexed.
	Fields []string `json:"fields"`
}

// +kubebuilder:object:root=true

// Index is the Schema for the indices API.
type Index struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec IndexSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// IndexList contains a list of Index.
type IndexList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Index `json:"items"`
}
