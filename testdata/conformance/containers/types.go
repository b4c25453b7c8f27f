package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SidecarSetSpec defines the desired state of SidecarSet: containers and volumes to inject.
type SidecarSetSpec struct {
	// Containers to inject, by name.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	Containers []corev1.Container `json:"containers"`

	// Volumes the containers mount, by name.
	// +listType=map
	// +listMapKey=name
	// +optional
	Volumes []corev1.Volume `json:"volumes,omitempty"`

	// InitContainer runs first.
	// +optional
	InitContainer *corev1.Container `json:"initContainer,omitempty"`
}

// +kubebuilder:object:root=true

// SidecarSet is the Schema for the sidecarsets API.
type SidecarSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec SidecarSetSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// SidecarSetList contains a list of SidecarSet.
type SidecarSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SidecarSet `json:"items"`
}
