// Package hamper is an API of loosely typed data: embedded Kubernetes objects (one of them
// keeping unknown fields), a schemaless field that keeps any value, and int-or-string fields,
// one of them with string validation.
//
// +groupName=bakery.example.org
// +versionName=v1
package hamper

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// HamperSpec is a gift hamper: Kubernetes objects packed in a basket, and free-form notes.
type HamperSpec struct {
	// Card is a whole Kubernetes object laid on top, or null.
	// +kubebuilder:validation:EmbeddedResource
	// +kubebuilder:validation:nullable
	Card runtime.RawExtension `json:"card"`

	// Basket is a Kubernetes object whose unknown fields survive pruning.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:EmbeddedResource
	// +kubebuilder:validation:nullable
	Basket runtime.RawExtension `json:"basket"`

	// Notes may be any JSON value.
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=""
	Notes runtime.RawExtension `json:"notes,omitempty"`

	// Discount is whole euros, or a percentage such as "15%".
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=3
	// +kubebuilder:validation:Pattern="^([0-9]|[1-9][0-9])%?$"
	Discount *intstr.IntOrString `json:"discount,omitempty"`

	// Ribbon is a length in centimetres or a named size.
	Ribbon intstr.IntOrString `json:"ribbon"`
}

// +kubebuilder:object:root=true

// Hamper is a gift basket the bakery packs.
type Hamper struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec HamperSpec `json:"spec"`
}
