package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Window is a time window.
type Window struct {
	// Start is the first hour.
	// +optional
	Start *int32 `json:"start,omitempty"`
	// End is the last hour.
	// +optional
	End *int32 `json:"end,omitempty"`
	// Zone is a time zone.
	// +optional
	Zone string `json:"zone,omitempty"`
}

// Contact says who to call: one or two of its fields.
// +kubebuilder:validation:MinProperties=1
// +kubebuilder:validation:MaxProperties=2
type Contact struct {
	// Email is an address.
	// +optional
	Email string `json:"email,omitempty"`
	// Phone is a number.
	// +optional
	Phone string `json:"phone,omitempty"`
	// Pager is a pager id.
	// +optional
	Pager string `json:"pager,omitempty"`
}

// ShiftSpec defines the desired state of Shift: struct merge strategies and property counts.
type ShiftSpec struct {
	// Window is replaced as a whole by server-side apply.
	// +structType=atomic
	// +optional
	Window *Window `json:"window,omitempty"`

	// Backup is merged field by field.
	// +structType=granular
	// +optional
	Backup *Window `json:"backup,omitempty"`

	// Primary must name at least one way to reach someone.
	Primary Contact `json:"primary"`

	// Secondary is optional.
	// +optional
	Secondary *Contact `json:"secondary,omitempty"`
}

// +kubebuilder:object:root=true

// Shift is the Schema for the shifts API.
type Shift struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec ShiftSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ShiftList contains a list of Shift.
type ShiftList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Shift `json:"items"`
}
