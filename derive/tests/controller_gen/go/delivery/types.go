// Package delivery is a small v1beta1 API of bounded scalars: string lengths, inclusive and
// exclusive integer bounds and a string format, with an explicit singular name.
//
// +groupName=bakery.example.org
// +versionName=v1beta1
package delivery

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DeliverySpec describes one van run from the bakery to a customer.
type DeliverySpec struct {
	// Address is where the van stops; short strings are never a real address.
	//
	// +kubebuilder:validation:MinLength=8
	// +kubebuilder:validation:MaxLength=200
	Address string `json:"address"`

	// Crates is how many crates go into the van.
	//
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=40
	Crates int32 `json:"crates"`

	// MaxMinutes bounds the drive from above and below, both ends left out.
	//
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:ExclusiveMinimum=true
	// +kubebuilder:validation:Maximum=120
	// +kubebuilder:validation:ExclusiveMaximum=true
	MaxMinutes int64 `json:"maxMinutes"`

	// Window is the start of the delivery window.
	//
	// +kubebuilder:validation:Format=date-time
	Window string `json:"window"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:singular=delivery

// Delivery is a scheduled bakery delivery.
type Delivery struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec DeliverySpec `json:"spec"`
}
