package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PlacementSpec defines the desired state of Placement: where pods may be scheduled.
type PlacementSpec struct {
	// Affinity rules.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// Tolerations of taints.
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// NodeSelector must match a node's labels.
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// Spread constraints.
	// +optional
	Spread []corev1.TopologySpreadConstraint `json:"spread,omitempty"`
}

// +kubebuilder:object:root=true

// Placement is the Schema for the placements API.
type Placement struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec PlacementSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// PlacementList contains a list of Placement.
type PlacementList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Placement `json:"items"`
}
