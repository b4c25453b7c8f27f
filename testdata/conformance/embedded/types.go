package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// WrapperSpec defines the desired state of Wrapper: whole Kubernetes objects inside it.
type WrapperSpec struct {
	// Template is any Kubernetes object: apiVersion, kind and metadata are checked.
	// +kubebuilder:validation:EmbeddedResource
	// +kubebuilder:pruning:PreserveUnknownFields
	Template runtime.RawExtension `json:"template"`

	// Extra are more objects.
	// +kubebuilder:validation:items:XEmbeddedResource
	// +optional
	Extra []runtime.RawExtension `json:"extra,omitempty"`
}

// +kubebuilder:object:root=true

// Wrapper is the Schema for the wrappers API.
type Wrapper struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WrapperSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// WrapperList contains a list of Wrapper.
type WrapperList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Wrapper `json:"items"`
}
