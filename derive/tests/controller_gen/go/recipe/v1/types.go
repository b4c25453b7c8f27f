// Package v1 is the stable Recipe API and its storage version. Compared with v1alpha1 the
// hydration field is renamed and bounded, and a flour can be sifted.
//
// +groupName=bakery.example.org
// +versionName=v1
package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Flour is one flour of a dough.
type Flour struct {
	// Grain names the cereal the flour is milled from.
	Grain string `json:"grain,omitempty"`
	// Grams is the weight of flour.
	Grams int32 `json:"grams,omitempty"`
	// Sifted says whether the flour goes through a sieve first.
	Sifted bool `json:"sifted,omitempty"`
}

// Dough is the base every recipe starts from.
type Dough struct {
	// Flour is replaced as a whole by server-side apply, never merged field by field.
	// +structType=atomic
	Flour Flour `json:"flour,omitempty"`
}

// RecipeSpec is a recipe ready for the production line.
type RecipeSpec struct {
	// Dough is what goes into the mixer.
	Dough Dough `json:"dough,omitempty"`
	// HydrationPercent is water per flour, in percent.
	// +kubebuilder:validation:Minimum=50
	// +kubebuilder:validation:Maximum=100
	HydrationPercent int32 `json:"hydrationPercent,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:storageversion

// Recipe tells the bakery how to make one product.
type Recipe struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec RecipeSpec `json:"spec"`
}
