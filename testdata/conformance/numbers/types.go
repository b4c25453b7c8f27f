package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GaugeSpec defines the desired state of Gauge: integers and floats with inclusive bounds.
type GaugeSpec struct {
	// Replicas is a bounded 32-bit integer.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	Replicas int32 `json:"replicas"`

	// Offset may be negative.
	// +kubebuilder:validation:Minimum=-100
	// +kubebuilder:validation:Maximum=100
	// +optional
	Offset *int64 `json:"offset,omitempty"`

	// Ratio is a fraction between 0 and 1.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1
	Ratio float64 `json:"ratio"`

	// Budget has only a lower bound.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Budget int64 `json:"budget,omitempty"`

	// Ceiling has only an upper bound, and a fractional one.
	// +kubebuilder:validation:Maximum=2.5
	// +optional
	Ceiling *float64 `json:"ceiling,omitempty"`

	// Plain is an unconstrained integer.
	Plain int32 `json:"plain"`
}

// +kubebuilder:object:root=true

// Gauge is the Schema for the gauges API.
type Gauge struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec GaugeSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// GaugeList contains a list of Gauge.
type GaugeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Gauge `json:"items"`
}
