package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CounterSpec defines the desired state of Counter: unsigned integers.
type CounterSpec struct {
	// Port is a 16-bit port number.
	Port uint16 `json:"port"`

	// Count is a 32-bit unsigned count.
	Count uint32 `json:"count"`

	// Total is a 64-bit unsigned total.
	// +optional
	Total uint64 `json:"total,omitempty"`

	// Small is an 8-bit value.
	// +optional
	Small uint8 `json:"small,omitempty"`
}

// +kubebuilder:object:root=true

// Counter is the Schema for the counters API.
type Counter struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec CounterSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// CounterList contains a list of Counter.
type CounterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Counter `json:"items"`
}
