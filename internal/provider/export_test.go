package provider

// IncumbentContactSchema is the source schema of moves from the alicloud
// provider.
var IncumbentContactSchema = incumbentContactSchema
