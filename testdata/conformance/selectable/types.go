package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ShipmentSpec defines the desired state of Shipment: fields usable in field selectors.
type ShipmentSpec struct {
	// Carrier delivers the shipment.
	Carrier string `json:"carrier"`
	// Destination is a city.
	// +optional
	Destination string `json:"destination,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:selectablefield:JSONPath=`.spec.carrier`
// +kubebuilder:selectablefield:JSONPath=`.spec.destination`

// Shipment is the Schema for the shipments API.
type Shipment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec ShipmentSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ShipmentList contains a list of Shipment.
type ShipmentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Shipment `json:"items"`
}
