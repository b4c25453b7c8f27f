package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Policy says how a conflict is resolved.
// +kubebuilder:validation:Enum=Allow;Forbid;Replace
type Policy string

const (
	AllowPolicy   Policy = "Allow"
	ForbidPolicy  Policy = "Forbid"
	ReplacePolicy Policy = "Replace"
)

// RotaSpec defines the desired state of Rota: enumerated values.
type RotaSpec struct {
	// ConcurrencyPolicy is Allow unless set.
	// +kubebuilder:default=Allow
	// +optional
	ConcurrencyPolicy Policy `json:"concurrencyPolicy,omitempty"`

	// Fallback is the policy used when the first one fails.
	// +optional
	Fallback *Policy `json:"fallback,omitempty"`

	// Mode is one of two strings.
	// +kubebuilder:validation:Enum=fast;slow
	Mode string `json:"mode"`

	// Level is one of three integers.
	// +kubebuilder:validation:Enum=1;2;3
	// +optional
	Level int32 `json:"level,omitempty"`
}

// +kubebuilder:object:root=true

// Rota is the Schema for the rota API.
// +kubebuilder:resource:path=rotas
type Rota struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec RotaSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// RotaList contains a list of Rota.
type RotaList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Rota `json:"items"`
}
