package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// EndpointSpec defines the desired state of Endpoint: string formats the API server checks.
type EndpointSpec struct {
	// NotBefore is an RFC 3339 timestamp.
	// +kubebuilder:validation:Format=date-time
	// +optional
	NotBefore string `json:"notBefore,omitempty"`

	// Day is a full date.
	// +kubebuilder:validation:Format=date
	// +optional
	Day string `json:"day,omitempty"`

	// Contact is an e-mail address.
	// +kubebuilder:validation:Format=email
	// +optional
	Contact string `json:"contact,omitempty"`

	// ID is a UUID.
	// +kubebuilder:validation:Format=uuid
	// +optional
	ID string `json:"id,omitempty"`

	// Address is an IPv4 address.
	// +kubebuilder:validation:Format=ipv4
	// +optional
	Address string `json:"address,omitempty"`

	// Address6 is an IPv6 address.
	// +kubebuilder:validation:Format=ipv6
	// +optional
	Address6 string `json:"address6,omitempty"`

	// Network is a CIDR.
	// +kubebuilder:validation:Format=cidr
	// +optional
	Network string `json:"network,omitempty"`

	// Host is a hostname.
	// +kubebuilder:validation:Format=hostname
	// +optional
	Host string `json:"host,omitempty"`

	// Link is a URI.
	// +kubebuilder:validation:Format=uri
	// +optional
	Link string `json:"link,omitempty"`

	// Blob is base64-encoded bytes.
	// +kubebuilder:validation:Format=byte
	// +optional
	Blob string `json:"blob,omitempty"`

	// Timeout is a Go duration.
	// +kubebuilder:validation:Format=duration
	// +optional
	Timeout string `json:"timeout,omitempty"`
}

// +kubebuilder:object:root=true

// Endpoint is the Schema for the endpoints API.
type Endpoint struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec EndpointSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// EndpointList contains a list of Endpoint.
type EndpointList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Endpoint `json:"items"`
}
