package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Address is where a letter goes.
// It spans two lines of comment.
type Address struct {
	// Street and number.
	Street string `json:"street"`
	// City, in capitals.
	// +optional
	City string `json:"city,omitempty"`
}

// Signature is who signed.
type Signature struct {
	// Name of the signer.
	Name string `json:"name"`
}

// LetterSpec defines the desired state of Letter: how doc comments become descriptions.
//
// This second paragraph belongs to the spec's description too.
type LetterSpec struct {
	// Subject is one line.
	Subject string `json:"subject"`

	// Body has a description over several lines:
	// the second line, and
	// the third line.
	//
	// And a second paragraph with `code`, "quotes" and a list:
	//   - first item
	//   - second item
	// +optional
	Body string `json:"body,omitempty"`

	// To has its own description, which wins over the type's.
	To Address `json:"to"`

	// +optional
	From *Address `json:"from,omitempty"`

	Signature Signature `json:"signature"`

	// Deprecated: use Subject. Kept for old clients.
	// +optional
	Title string `json:"title,omitempty"`

	// Priority: 1 is highest; see https://example.com/docs#priority for more.
	// +optional
	Priority int32 `json:"priority,omitempty"`
}

// +kubebuilder:object:root=true

// Letter is the Schema for the letters API.
type Letter struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec LetterSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// LetterList contains a list of Letter.
type LetterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Letter `json:"items"`
}
