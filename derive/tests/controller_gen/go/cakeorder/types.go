// Package cakeorder is an API of CEL validation rules: on the spec object (a transition rule
// with message, reason and fieldPath), on fields (several rules, one without a message, one
// with a messageExpression, an immutability rule) and on a nested struct type; also +required
// and +optional against what omitempty alone would say.
//
// +groupName=bakery.example.org
// +versionName=v1
package cakeorder

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CakeOrderSpec is one custom cake order.
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.discountCents) || has(self.discountCents)",message="a granted discount cannot be withdrawn",fieldPath=".discountCents",reason="FieldValueForbidden"
type CakeOrderSpec struct {
	// Inscription is piped on top of the cake.
	// +kubebuilder:validation:XValidation:rule="self.size() <= 40",message="at most 40 characters fit on a cake"
	// +kubebuilder:validation:XValidation:rule="!self.startsWith(' ')"
	Inscription string `json:"inscription,omitempty"`

	// LayerCodes spells each layer's flavour with three letters.
	// +kubebuilder:validation:XValidation:rule="self.size() % 3 == 0",messageExpression="'three letters per layer, got ' + string(self.size())"
	LayerCodes string `json:"layerCodes,omitempty"`

	// DiscountCents is off the price; once set it may change but not go away.
	DiscountCents int32 `json:"discountCents,omitempty"`

	// PickupDate is fixed when the order is placed.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="pickupDate is immutable",reason="FieldValueInvalid"
	PickupDate string `json:"pickupDate,omitempty"`

	// CustomerID is required although empty values are left out when writing.
	// +required
	CustomerID string `json:"customerID,omitempty"`

	// Note is optional although it is always written.
	// +optional
	Note string `json:"note"`

	// Servings is how many guests the cake must feed.
	Servings Servings `json:"servings,omitempty"`
}

// Servings is a range of guest counts.
// +kubebuilder:validation:XValidation:rule="self.fewest <= self.most",message="fewest must not exceed most"
type Servings struct {
	Fewest int32 `json:"fewest"`
	Most   int32 `json:"most"`
}

// +kubebuilder:object:root=true

// CakeOrder is a cake a customer ordered.
type CakeOrder struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec CakeOrderSpec `json:"spec"`
}
