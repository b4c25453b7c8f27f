package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Admission webhooks of Gadgets and of Pods; controller-gen reads them from any file of the
// package, cargo-operator from any item compiled into the operator.
// +kubebuilder:webhook:path=/mutate-webhooks-conformance-example-com-v1-gadget,mutating=true,failurePolicy=fail,sideEffects=None,groups=webhooks.conformance.example.com,resources=gadgets,verbs=create;update,versions=v1,name=mgadget-v1.kb.io,admissionReviewVersions=v1
// +kubebuilder:webhook:path=/validate-webhooks-conformance-example-com-v1-gadget,mutating=false,failurePolicy=ignore,sideEffects=NoneOnDryRun,groups=webhooks.conformance.example.com,resources=gadgets;gadgets/status,verbs=create;update;delete,versions=v1,name=vgadget-v1.kb.io,admissionReviewVersions=v1;v1beta1,matchPolicy=Exact,timeoutSeconds=20
// +kubebuilder:webhook:path=/mutate--v1-pod,mutating=true,failurePolicy=Ignore,sideEffects=None,groups="",resources=pods,verbs=create,versions=v1,name=mpod.webhooks.conformance.example.com,admissionReviewVersions=v1,reinvocationPolicy=IfNeeded,matchPolicy=Equivalent,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-apps-v1-deployment,mutating=false,failurePolicy=fail,sideEffects=None,groups=apps,resources=deployments;deployments/scale,verbs=create;update;delete;connect,versions=v1,name=vdeployment.webhooks.conformance.example.com,admissionReviewVersions=v1

// GadgetSpec defines the desired state of Gadget.
type GadgetSpec struct {
	// Size of the gadget.
	// +optional
	Size *int32 `json:"size,omitempty"`
}

// +kubebuilder:object:root=true

// Gadget is the Schema for the gadgets API.
type Gadget struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec GadgetSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// GadgetList contains a list of Gadget.
type GadgetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Gadget `json:"items"`
}
