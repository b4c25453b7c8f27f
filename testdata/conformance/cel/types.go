package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Range is a closed interval.
// +kubebuilder:validation:XValidation:rule="self.min <= self.max",message="min must not exceed max"
type Range struct {
	// Min is the lower end.
	Min int32 `json:"min"`
	// Max is the upper end.
	Max int32 `json:"max"`
}

// Listener is a port with an optional TLS secret.
// +kubebuilder:validation:XValidation:rule="!has(self.tls) || self.port == 443",message="TLS needs port 443",fieldPath=".port",reason="FieldValueForbidden"
type Listener struct {
	// Port is the port number.
	Port int32 `json:"port"`
	// TLS names a secret.
	// +optional
	TLS string `json:"tls,omitempty"`
}

// BudgetSpec defines the desired state of Budget: CEL validation rules.
// +kubebuilder:validation:XValidation:rule="self.replicas <= self.maxReplicas",message="replicas must not exceed maxReplicas"
// +kubebuilder:validation:XValidation:rule="!has(self.owner) || self.owner.startsWith('team-')",messageExpression="'owner ' + self.owner + ' is not a team'"
type BudgetSpec struct {
	// Replicas is the current count.
	Replicas int32 `json:"replicas"`

	// MaxReplicas is the cap.
	MaxReplicas int32 `json:"maxReplicas"`

	// ID cannot change once set.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="id is immutable",reason="FieldValueForbidden"
	ID string `json:"id"`

	// Owner is a team.
	// +optional
	Owner string `json:"owner,omitempty"`

	// Window is a range of hours.
	// +optional
	Window *Range `json:"window,omitempty"`

	// Listeners have distinct ports.
	// +kubebuilder:validation:XValidation:rule="self.all(l, self.exists_one(m, m.port == l.port))",message="ports must be unique",reason="FieldValueDuplicate"
	// +kubebuilder:validation:MaxItems=8
	// +optional
	Listeners []Listener `json:"listeners,omitempty"`

	// Tags are short.
	// +kubebuilder:validation:items:XValidation:rule="self.size() <= 5",message="a tag has at most 5 characters"
	// +kubebuilder:validation:MaxItems=4
	// +kubebuilder:validation:items:MaxLength=64
	// +optional
	Tags []string `json:"tags,omitempty"`
}

// +kubebuilder:object:root=true

// Budget is the Schema for the budgets API.
type Budget struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec BudgetSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// BudgetList contains a list of Budget.
type BudgetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Budget `json:"items"`
}
