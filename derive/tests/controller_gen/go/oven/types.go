// Package oven is a cluster-scoped API whose interest lies outside the schema: the status and
// scale subresources, printer columns, a selectable field, short names and categories, plus
// one defaulted field.
//
// +groupName=kitchen.example.org
// +versionName=v1
package oven

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// OvenSpec is what the bakers ask of an oven.
type OvenSpec struct {
	// Heating is the element that heats the oven; fan-assisted unless set.
	// +kubebuilder:default=convection
	Heating string `json:"heating"`

	// Racks is the number of racks to bring up to temperature.
	Racks int32 `json:"racks"`

	// TargetCelsius is the preheat temperature.
	TargetCelsius int32 `json:"targetCelsius"`
}

// OvenStatus is what the controller last observed of the oven.
type OvenStatus struct {
	// HotRacks counts the racks that reached the target temperature.
	HotRacks int32 `json:"hotRacks,omitempty"`

	// RackSelector is the label selector of the rack heaters.
	RackSelector string `json:"rackSelector,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=ov,categories=kitchen;appliances
// +kubebuilder:subresource:status
// +kubebuilder:subresource:scale:specpath=.spec.racks,statuspath=.status.hotRacks,selectorpath=.status.rackSelector
// +kubebuilder:printcolumn:name="Heating",type="string",JSONPath=".spec.heating"
// +kubebuilder:printcolumn:name="Target",type="integer",format="int32",JSONPath=".spec.targetCelsius",description="Preheat temperature in degrees Celsius"
// +kubebuilder:printcolumn:name="Hot",type="integer",JSONPath=".status.hotRacks",priority=1
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:selectablefield:JSONPath=".spec.heating"

// Oven is a kitchen oven the operator preheats.
type Oven struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   OvenSpec   `json:"spec"`
	Status OvenStatus `json:"status,omitempty"`
}
