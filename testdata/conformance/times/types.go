package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MaintenanceSpec defines the desired state of Maintenance: times and durations.
type MaintenanceSpec struct {
	// Start is when the window opens.
	Start metav1.Time `json:"start"`

	// End is when it closes, if it does.
	// +optional
	End *metav1.Time `json:"end,omitempty"`

	// Length is how long each run may take, as a Go duration.
	// +optional
	Length metav1.Duration `json:"length,omitempty"`

	// Grace is an optional duration.
	// +optional
	Grace *metav1.Duration `json:"grace,omitempty"`

	// Precise is a time with microseconds.
	// +optional
	Precise *metav1.MicroTime `json:"precise,omitempty"`
}

// +kubebuilder:object:root=true

// Maintenance is the Schema for the maintenances API.
type Maintenance struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec MaintenanceSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// MaintenanceList contains a list of Maintenance.
type MaintenanceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Maintenance `json:"items"`
}
