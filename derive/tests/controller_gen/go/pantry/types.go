// Package pantry is an API of list, map and struct topology: an associative list with a
// compound key (from an inlined struct), a granular map, an atomic struct, property-count
// bounds on an object, a map of maps and a map of lists.
//
// +groupName=bakery.example.org
// +versionName=v1
package pantry

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PantrySpec is the stock kept in one pantry.
type PantrySpec struct {
	// Bins are merged by server-side apply on aisle and slot together.
	// +listType=map
	// +listMapKey=aisle
	// +listMapKey=slot
	Bins []Bin `json:"bins"`

	// Tags on the pantry; each key may be owned by a different field manager.
	// +mapType=granular
	Tags map[string]string `json:"tags"`

	// Lock is always written whole.
	// +structType=atomic
	Lock Lock `json:"lock"`

	// Keeper gives one or two ways to reach whoever holds the key.
	Keeper Keeper `json:"keeper,omitempty"`

	// Suppliers maps an ingredient to a supplier per region.
	Suppliers map[string]map[string]string `json:"suppliers,omitempty"`

	// Inspections maps a day to the pass or fail of each shelf.
	Inspections map[string][]bool `json:"inspections,omitempty"`
}

// Position places a bin in the pantry.
type Position struct {
	// Aisle is the aisle letter.
	Aisle string `json:"aisle"`
	// Slot is the position along the aisle.
	Slot int32 `json:"slot"`
}

// Bin is one storage bin.
type Bin struct {
	Position `json:",inline"`
	// Ingredient is what the bin holds.
	Ingredient string `json:"ingredient"`
}

// Lock is the pantry door lock.
type Lock struct {
	// Code opens the lock.
	Code string `json:"code"`
	// Engaged is true while the door is locked.
	Engaged bool `json:"engaged"`
}

// Keeper is a contact of the pantry keeper.
// +kubebuilder:validation:MinProperties=1
// +kubebuilder:validation:MaxProperties=2
type Keeper struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	Pager string `json:"pager,omitempty"`
}

// +kubebuilder:object:root=true

// Pantry is a store room of the bakery.
type Pantry struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec PantrySpec `json:"spec"`
}
