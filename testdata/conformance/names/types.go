// Package v1 names its version with a marker rather than leaving it to the package name.
// +versionName=v1
package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DatabaseSpec defines the desired state of Database: a resource with its own names.
type DatabaseSpec struct {
	// Engine is the database engine.
	Engine string `json:"engine"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=databanks,singular=databank,shortName=db,categories=storage,scope=Namespaced

// Database is the Schema for the databanks API.
type Database struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec DatabaseSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// DatabaseList contains a list of Database.
type DatabaseList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Database `json:"items"`
}
