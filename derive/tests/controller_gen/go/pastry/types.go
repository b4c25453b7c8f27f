// Package pastry is an API of validated scalars and lists: optional and nullable fields,
// string length and pattern, numeric bounds with multipleOf, defaults for a string, a list, an
// integer and a boolean, list length, per-item string and enum checks, a set-typed list and
// enumerated strings.
//
// +groupName=bakery.example.org
// +versionName=v1
package pastry

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PastrySpec is one pastry on the menu.
type PastrySpec struct {
	// Name is what the menu board shows.
	Name string `json:"name"`

	// ShelfLifeHours is how long the pastry may be sold after baking; no limit when unset.
	// +optional
	ShelfLifeHours *int64 `json:"shelfLifeHours,omitempty"`

	// Vegan marks a pastry made without animal products.
	// +optional
	Vegan *bool `json:"vegan,omitempty"`

	// Glaze is required, but null is an accepted way to say "unglazed".
	// +nullable
	Glaze string `json:"glaze"`

	// TillCode is the short code typed at the till.
	// +kubebuilder:validation:MinLength=3
	TillCode string `json:"tillCode"`

	// Shape is round unless another shape is asked for.
	// +kubebuilder:default=round
	Shape string `json:"shape"`

	// Fats lists the fats worked into the dough.
	// +kubebuilder:default={butter,lard}
	Fats []string `json:"fats"`

	// Photo is an https address of a product photo, or empty.
	// +kubebuilder:validation:Pattern=`^$|^https://[a-z0-9.-]+(/[^\s]*)?$`
	Photo string `json:"photo"`

	// SugarRatio is sugar per flour by weight, in quarter steps.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1.25
	// +kubebuilder:validation:MultipleOf=0.25
	SugarRatio float64 `json:"sugarRatio"`

	// ExtraFolds changes the lamination folds of the house recipe, three at a time.
	// +kubebuilder:validation:Minimum=-3
	// +kubebuilder:validation:Maximum=9
	// +kubebuilder:validation:MultipleOf=3
	ExtraFolds int32 `json:"extraFolds"`

	// BakeTemperatures are the first and the second bake, nothing more or less.
	// +kubebuilder:validation:MinItems=2
	// +kubebuilder:validation:MaxItems=2
	BakeTemperatures []int32 `json:"bakeTemperatures"`

	// Allergens are distinct lower-case words joined by hyphens.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:items:MinLength=2
	// +kubebuilder:validation:items:MaxLength=32
	// +kubebuilder:validation:items:Pattern=`^[a-z]+(-[a-z]+)*$`
	// +listType=set
	Allergens []string `json:"allergens,omitempty"`

	// Weights are the portion sizes on sale, in grams.
	// +kubebuilder:validation:items:Enum=50;80;120
	Weights []int32 `json:"weights,omitempty"`

	// Proofs is how many times the dough rises.
	// +kubebuilder:default=2
	Proofs int32 `json:"proofs"`

	// Seeded says whether seeds go on top.
	// +kubebuilder:default=true
	Seeded bool `json:"seeded"`

	// Crust is the crust colour the oven aims for.
	// +kubebuilder:validation:Enum=pale;golden;dark
	Crust string `json:"crust"`

	// Availability says on which days the pastry is sold.
	// +kubebuilder:validation:Enum=Daily;Weekends;Seasonal
	// +optional
	Availability string `json:"availability,omitempty"`
}

// +kubebuilder:object:root=true

// Pastry is an item the bakery sells.
type Pastry struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec PastrySpec `json:"spec"`
}
