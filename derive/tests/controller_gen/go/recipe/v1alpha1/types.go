// Package v1alpha1 is the first, deprecated draft of the Recipe API. It is served but not
// stored; package v1 holds the storage version.
//
// +groupName=bakery.example.org
// +versionName=v1alpha1
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Flour is one flour of a dough.
type Flour struct {
	// Grain names the cereal the flour is milled from.
	Grain string `json:"grain,omitempty"`
	// Grams is the weight of flour.
	Grams int32 `json:"grams,omitempty"`
}

// Dough is the base every recipe starts from.
type Dough struct {
	// Flour is replaced as a whole by server-side apply, never merged field by field.
	// +structType=atomic
	Flour Flour `json:"flour,omitempty"`
}

// RecipeSpec is a recipe as first drafted.
type RecipeSpec struct {
	// Dough is what goes into the mixer.
	Dough Dough `json:"dough,omitempty"`
	// Hydration is water per flour, in percent.
	Hydration int32 `json:"hydration,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:deprecatedversion:warning="bakery.example.org/v1alpha1 Recipe is deprecated; use v1"

// Recipe tells the bakery how to make one product.
type Recipe struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec RecipeSpec `json:"spec"`
}
