package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// RolloutSpec defines the desired state of Rollout: values that are an integer or a string.
type RolloutSpec struct {
	// MaxUnavailable is a count or a percentage.
	MaxUnavailable intstr.IntOrString `json:"maxUnavailable"`

	// MaxSurge is optional.
	// +optional
	MaxSurge *intstr.IntOrString `json:"maxSurge,omitempty"`

	// Port is a number or a name.
	// +optional
	Port *intstr.IntOrString `json:"port,omitempty"`

	// Partition is a count or a percentage, 25% unless set.
	// +kubebuilder:default="25%"
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:Pattern=`^[0-9]+%?$`
	// +optional
	Partition *intstr.IntOrString `json:"partition,omitempty"`
}

// +kubebuilder:object:root=true

// Rollout is the Schema for the rollouts API.
type Rollout struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec RolloutSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// RolloutList contains a list of Rollout.
type RolloutList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Rollout `json:"items"`
}
