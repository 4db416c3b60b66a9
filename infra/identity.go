package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
)

// BindKeyPrefix starts the allowlist table key of an address binding
// (authorizer/grants.BindPrefix): the item tying an address rule to the
// Google account that first used it.
const BindKeyPrefix = "BIND#"

// grantAddressBinding lets the authorizer write address bindings, and
// nothing else, into the allowlist table: dynamodb:PutItem only on items
// whose partition key starts with BindKeyPrefix (dynamodb:LeadingKeys), so
// a compromised authorizer still cannot write itself a grant.
func grantAddressBinding(f *functions, data *dataStores) {
	f.authorizer().AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("dynamodb:PutItem"),
		Resources: jsii.Strings(*data.allowlist.TableArn()),
		Conditions: &map[string]any{
			"ForAllValues:StringLike": map[string]any{"dynamodb:LeadingKeys": []string{BindKeyPrefix + "*"}},
		},
	}))
}
