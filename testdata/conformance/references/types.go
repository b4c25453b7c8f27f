package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BindingSpec defines the desired state of Binding: references to other objects.
type BindingSpec struct {
	// Target is any object.
	Target corev1.ObjectReference `json:"target"`

	// PullSecret is a secret in the same namespace.
	// +optional
	PullSecret *corev1.LocalObjectReference `json:"pullSecret,omitempty"`

	// Password is a key of a secret.
	// +optional
	Password *corev1.SecretKeySelector `json:"password,omitempty"`

	// Config is a key of a config map.
	// +optional
	Config *corev1.ConfigMapKeySelector `json:"config,omitempty"`

	// Owner is an owner reference.
	// +optional
	Owner *metav1.OwnerReference `json:"owner,omitempty"`
}

// +kubebuilder:object:root=true

// Binding is the Schema for the bindings API.
type Binding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec BindingSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// BindingList contains a list of Binding.
type BindingList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Binding `json:"items"`
}
