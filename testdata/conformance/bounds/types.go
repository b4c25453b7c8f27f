package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ThrottleSpec defines the desired state of Throttle: exclusive bounds and multiples.
type ThrottleSpec struct {
	// Rate is strictly between 0 and 100.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:ExclusiveMinimum=true
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:validation:ExclusiveMaximum=true
	Rate int32 `json:"rate"`

	// Share is a positive fraction, at most one half.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:ExclusiveMinimum=true
	// +kubebuilder:validation:Maximum=0.5
	Share float64 `json:"share"`

	// Step is an even number.
	// +kubebuilder:validation:MultipleOf=2
	Step int64 `json:"step"`

	// Quarter is a multiple of a quarter, below 10.
	// +kubebuilder:validation:MultipleOf=0.25
	// +kubebuilder:validation:Maximum=10
	// +kubebuilder:validation:ExclusiveMaximum=true
	// +optional
	Quarter *float64 `json:"quarter,omitempty"`

	// Slots is a multiple of 8 between 8 and 64.
	// +kubebuilder:validation:MultipleOf=8
	// +kubebuilder:validation:Minimum=8
	// +kubebuilder:validation:Maximum=64
	// +optional
	Slots int32 `json:"slots,omitempty"`
}

// +kubebuilder:object:root=true

// Throttle is the Schema for the throttles API.
type Throttle struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec ThrottleSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ThrottleList contains a list of Throttle.
type ThrottleList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Throttle `json:"items"`
}
