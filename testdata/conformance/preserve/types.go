package v1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Extras is a typed object that keeps the fields it does not declare.
// +kubebuilder:pruning:PreserveUnknownFields
type Extras struct {
	// Version is the only declared field.
	// +optional
	Version string `json:"version,omitempty"`
}

// PluginSpec defines the desired state of Plugin: fields whose unknown content is kept.
type PluginSpec struct {
	// Name is a plain field: unknown fields beside it are pruned.
	Name string `json:"name"`

	// Config is any JSON value, kept as given.
	// +optional
	Config *apiextensionsv1.JSON `json:"config,omitempty"`

	// Raw is any JSON object, kept as given.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +optional
	Raw runtime.RawExtension `json:"raw,omitempty"`

	// Extras keeps undeclared fields.
	// +optional
	Extras *Extras `json:"extras,omitempty"`
}

// +kubebuilder:object:root=true

// Plugin is the Schema for the plugins API.
type Plugin struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec PluginSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// PluginList contains a list of Plugin.
type PluginList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Plugin `json:"items"`
}
