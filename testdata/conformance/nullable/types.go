package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Limits are optional caps.
type Limits struct {
	// Max is the cap.
	// +optional
	Max int32 `json:"max,omitempty"`
}

// NoteSpec defines the desired state of Note: fields that accept null.
type NoteSpec struct {
	// Text is required, and null is an accepted value.
	// +nullable
	Text string `json:"text"`

	// Limits may be null.
	// +nullable
	// +optional
	Limits *Limits `json:"limits,omitempty"`

	// Items may be null.
	// +nullable
	// +optional
	Items []string `json:"items,omitempty"`

	// Labels may be null.
	// +nullable
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Plain is optional and not nullable: a null is pruned.
	// +optional
	Plain *string `json:"plain,omitempty"`
}

// +kubebuilder:object:root=true

// Note is the Schema for the notes API.
type Note struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec NoteSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// NoteList contains a list of Note.
type NoteList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Note `json:"items"`
}
