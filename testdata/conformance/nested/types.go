package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Common fields shared by several types, embedded in Go and flattened in Rust.
type Common struct {
	// Owner of the thing.
	// +optional
	Owner string `json:"owner,omitempty"`
	// Revision counter.
	Revision int64 `json:"revision"`
}

// Leaf is the innermost level.
type Leaf struct {
	// Value of the leaf.
	// +kubebuilder:validation:MinLength=1
	Value string `json:"value"`
}

// Branch holds leaves.
type Branch struct {
	// Name of the branch.
	Name string `json:"name"`
	// Leaves on the branch.
	// +optional
	Leaves []Leaf `json:"leaves,omitempty"`
	// Tip is a single leaf.
	// +optional
	Tip *Leaf `json:"tip,omitempty"`
}

// TreeSpec defines the desired state of Tree: nested and embedded structs.
type TreeSpec struct {
	Common `json:",inline"`

	// Root is a required nested object.
	Root Branch `json:"root"`

	// Branches are a list of objects.
	// +optional
	Branches []Branch `json:"branches,omitempty"`

	// Named are objects by name.
	// +optional
	Named map[string]Branch `json:"named,omitempty"`

	// Grid is a list of lists of objects.
	// +optional
	Grid [][]Leaf `json:"grid,omitempty"`
}

// +kubebuilder:object:root=true

// Tree is the Schema for the trees API.
type Tree struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec TreeSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// TreeList contains a list of Tree.
type TreeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Tree `json:"items"`
}
