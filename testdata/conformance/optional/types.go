package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Owner names a person.
type Owner struct {
	// Name is required.
	Name string `json:"name"`
	// Email is optional.
	// +optional
	Email string `json:"email,omitempty"`
}

// TicketSpec defines the desired state of Ticket: which fields must be given.
type TicketSpec struct {
	// Title is required: no omitempty, no marker.
	Title string `json:"title"`

	// Priority is required by marker although it has omitempty.
	// +required
	Priority int32 `json:"priority,omitempty"`

	// Assignee is optional by marker although it has no omitempty.
	// +optional
	Assignee string `json:"assignee"`

	// Watchers is optional because of omitempty.
	Watchers []string `json:"watchers,omitempty"`

	// Owner is a required object.
	Owner Owner `json:"owner"`

	// Reviewer is an optional object.
	// +optional
	Reviewer *Owner `json:"reviewer,omitempty"`

	// Due is an optional pointer to a string.
	// +optional
	Due *string `json:"due,omitempty"`

	// Done is an optional boolean.
	// +optional
	Done bool `json:"done,omitempty"`
}

// +kubebuilder:object:root=true

// Ticket is the Schema for the tickets API.
type Ticket struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec TicketSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// TicketList contains a list of Ticket.
type TicketList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Ticket `json:"items"`
}
