package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// LabelSpec defines the desired state of Label: string lengths and patterns.
type LabelSpec struct {
	// Name is a DNS label.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// Title is at most 10 characters (not bytes).
	// +kubebuilder:validation:MaxLength=10
	// +optional
	Title string `json:"title,omitempty"`

	// Code is exactly three upper-case letters.
	// +kubebuilder:validation:Pattern=`^[A-Z]{3}$`
	// +optional
	Code *string `json:"code,omitempty"`

	// Path is an absolute path with escaped characters in its pattern.
	// +kubebuilder:validation:Pattern=`^(/[\w.-]+)+/?$`
	// +optional
	Path string `json:"path,omitempty"`

	// Note is anything non-empty.
	// +kubebuilder:validation:MinLength=1
	Note string `json:"note"`
}

// +kubebuilder:object:root=true

// Label is the Schema for the labels API.
type Label struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec LabelSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// LabelList contains a list of Label.
type LabelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Label `json:"items"`
}
