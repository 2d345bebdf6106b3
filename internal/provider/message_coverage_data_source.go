package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

var _ datasource.DataSourceWithConfigure = (*messageCoverageDataSource)(nil)

// NewMessageCoverageDataSource returns the resourcedirectory_message_coverage data source.
func NewMessageCoverageDataSource() datasource.DataSource {
	return &messageCoverageDataSource{}
}

type messageCoverageDataSource struct {
	dataSourceClient
}

// messageCoverageModel is the data source's schema as a model. Read takes
// the arguments from it; the state is built by coverageState.
type messageCoverageModel struct {
	MessageTypes      types.Set      `tfsdk:"message_types"`
	FolderID          types.String   `tfsdk:"folder_id"`
	ExcludeAccountIDs types.Set      `tfsdk:"exclude_account_ids"`
	DirectoryID       types.String   `tfsdk:"directory_id"`
	Covered           types.Bool     `tfsdk:"covered"`
	Accounts          types.List     `tfsdk:"accounts"`
	Gaps              types.List     `tfsdk:"gaps"`
	GapMessages       types.List     `tfsdk:"gap_messages"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

var (
	folderScopePattern = regexp.MustCompile(`^(?:r|fd)-[A-Za-z0-9]+$`)
	accountIDPattern   = regexp.MustCompile(`^[0-9]{16}$`)
)

// coverageRule is the verification rule, said once for the schema and the
// docs.
const coverageRule = "A contact delivers a message type once it is `Active`. A contact whose first verification " +
	"is still pending (`Verifying`) delivers nothing: the API documents that an address takes effect only once " +
	"verified. A verified contact with a pending change of its email address or phone number is `Verifying` too: " +
	"the API reports one status per contact and does not say whether the previous, verified address still " +
	"receives messages, so it counts as unverified until the change is verified or cancelled. A `Deleting` " +
	"contact delivers nothing."

func (d *messageCoverageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_coverage"
}

func (d *messageCoverageDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	deliveryAttrs := map[string]schema.Attribute{
		"message_type": schema.StringAttribute{Computed: true, MarkdownDescription: "The message type delivered."},
		"contact_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The contact's ID."},
		"contact_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The contact's name."},
		"bound_to": schema.StringAttribute{Computed: true, MarkdownDescription: "How the contact reaches the " +
			"account: `account` (bound to the account itself), `folder` (bound to a folder above it) or `directory` " +
			"(bound to the whole resource directory)."},
		"bound_to_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The object the contact is bound " +
			"to: the account, the folder (`fd-…`) or the directory (`rd-…`)."},
		"status":   schema.StringAttribute{Computed: true, MarkdownDescription: "The contact's status: `Active`, `Verifying` or `Deleting`."},
		"verified": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the contact delivers (its status is `Active`)."},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who receives what: for every member account of the resource directory (or of one " +
			"folder), the contacts that deliver each message type and how each reaches the account, and `gaps`, " +
			"every account and message type that no verified contact covers. " + coverageRule + "\n\n" +
			"Cost: it reads the directory's tree and the contacts once per Terraform operation, whatever the number " +
			"of accounts and contacts: one `GetResourceDirectory`, one `ListAccounts` page per 100 accounts, one " +
			"`ListFoldersForParent` per folder (the root folder included), and the contacts' `ListMessageContacts` " +
			"pages (with `batch_reads`, shared with every other read of the operation, plus " +
			"`ListMessageContactVerifications` pages while contacts await verification). 1,000 accounts in 40 " +
			"folders and 500 contacts cost 57 calls (1 + 10 + 41 + 5), and up to 5 more with `batch_reads`; never a " +
			"call per account or per contact. Calls are paced under the API's quota of 20 per second per action.",
		Attributes: map[string]schema.Attribute{
			"message_types": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The message types to check (default: all six, " +
					strings.Join(rdapi.MessageTypes, ", ") + ").",
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), messageTypesValidator},
			},
			"folder_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only the member accounts under this folder (`fd-…`, at any depth) or the root " +
					"folder (`r-…`, every account). A folder that is not in the directory is an error.",
				Validators: []validator.String{stringvalidator.RegexMatches(folderScopePattern,
					"must be a folder ID (fd-…) or the root folder's ID (r-…)")},
			},
			"exclude_account_ids": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Member accounts to leave out (16-digit IDs), for example the management account.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(accountIDPattern,
					"must be a 16-digit member account ID"))},
			},
			"directory_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The resource directory's ID (`rd-…`)."},
			"covered": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether every account in scope " +
				"receives every checked message type from a verified contact (`gaps` is empty)."},
			"accounts": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every member account in scope, by ID, with what reaches it.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The account's ID."},
					"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "The account's display name."},
					"folder_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The folder the account is in (`r-…` for the root folder)."},
					"folder_path": schema.StringAttribute{Computed: true, MarkdownDescription: "The folder's path by name (`Production/Databases`; empty for the root folder)."},
					"deliveries": schema.ListNestedAttribute{
						Computed: true,
						MarkdownDescription: "Each contact that delivers a checked message type to the account, by " +
							"message type and contact name; a contact bound at several levels is listed once per level.",
						NestedObject: schema.NestedAttributeObject{Attributes: deliveryAttrs},
					},
				}},
			},
			"gaps": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every account and message type that no verified contact covers, by account ID " +
					"and then message type.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"account_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The account's ID."},
					"account_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The account's display name."},
					"folder_path":  schema.StringAttribute{Computed: true, MarkdownDescription: "The account's folder path."},
					"message_type": schema.StringAttribute{Computed: true, MarkdownDescription: "The message type nobody verified receives."},
					"reason": schema.StringAttribute{Computed: true, MarkdownDescription: "`no_contact` (no contact " +
						"of this type reaches the account) or `only_unverified` (only contacts that are not `Active` do)."},
					"unverified_contacts": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "With `only_unverified`, the names of the contacts that would deliver once verified."},
				}},
			},
			"gap_messages": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "`gaps` as readable lines, one per gap, for `check` and `postcondition` messages: " +
					"`1500000000000004 (dev-sandbox, Development): SecurityMessage (no contact)`.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": withPositiveReadTimeout(timeouts.Block(ctx)),
		},
	}
}

func (d *messageCoverageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data messageCoverageModel
	ctx, cancel, ok := startRead(ctx, req, resp, &data, func() timeouts.Value { return data.Timeouts })
	if !ok {
		return
	}
	defer cancel()

	scope := coverageScope{types: rdapi.MessageTypes, folder: data.FolderID.ValueString(), exclude: map[string]bool{}}
	if !data.MessageTypes.IsNull() {
		chosen := setStrings(data.MessageTypes)
		scope.types = slices.DeleteFunc(slices.Clone(rdapi.MessageTypes), func(t string) bool { return !slices.Contains(chosen, t) })
	}
	for _, id := range setStrings(data.ExcludeAccountIDs) {
		scope.exclude[id] = true
	}

	tree, err := d.client.Tree(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read the Resource Directory", err.Error())
		return
	}
	if scope.folder == tree.RootFolderID {
		scope.folder = ""
	} else if _, ok := tree.Folder(scope.folder); scope.folder != "" && !ok {
		resp.Diagnostics.AddAttributeError(path.Root("folder_id"), "Folder Not in the Resource Directory",
			fmt.Sprintf("Folder %q is not in resource directory %s. data.resourcedirectory_directory lists its "+
				"folders by path; the root folder is %s.", scope.folder, tree.DirectoryID, tree.RootFolderID))
		return
	}
	contacts, err := allContacts(ctx, d.client)
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Message Contacts", err.Error())
		return
	}

	accounts, gaps := computeCoverage(tree, contacts, scope)
	tflog.Debug(ctx, "computed message coverage", map[string]any{"accounts": len(accounts), "gaps": len(gaps)})
	raw, err := coverageState(ctx, req.Config.Raw, resp.State.Schema.Type().TerraformType(ctx), tree.DirectoryID, accounts, gaps)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Record the Message Coverage", fmt.Sprintf("%s. This is a bug in the provider.", err))
		return
	}
	resp.State.Raw = raw
}

// coverageState builds the data source's state value directly: with a
// thousand accounts the coverage holds tens of thousands of values, which
// the framework's reflection (State.Set) takes seconds to convert. The
// arguments are copied from config.
func coverageState(_ context.Context, config tftypes.Value, typ tftypes.Type, directoryID string, accounts []accountCoverage, gaps []coverageGap) (tftypes.Value, error) {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("the schema's type is %s, not an object", typ)
	}
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		return tftypes.Value{}, fmt.Errorf("reading the configuration: %w", err)
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	// listOfObjects returns a list type and its element object type.
	listOfObjects := func(t tftypes.Type) (tftypes.List, tftypes.Object, error) {
		l, ok := t.(tftypes.List)
		if !ok {
			return tftypes.List{}, tftypes.Object{}, fmt.Errorf("%s is not a list", t)
		}
		o, ok := l.ElementType.(tftypes.Object)
		if !ok {
			return tftypes.List{}, tftypes.Object{}, fmt.Errorf("%s is not a list of objects", t)
		}
		return l, o, nil
	}

	accountsType, accountType, err := listOfObjects(obj.AttributeTypes["accounts"])
	if err != nil {
		return tftypes.Value{}, err
	}
	deliveriesType, deliveryType, err := listOfObjects(accountType.AttributeTypes["deliveries"])
	if err != nil {
		return tftypes.Value{}, err
	}
	gapsType, gapType, err := listOfObjects(obj.AttributeTypes["gaps"])
	if err != nil {
		return tftypes.Value{}, err
	}
	accountValues := make([]tftypes.Value, 0, len(accounts))
	for _, a := range accounts {
		ds := make([]tftypes.Value, 0, len(a.Deliveries))
		for _, d := range a.Deliveries {
			ds = append(ds, tftypes.NewValue(deliveryType, map[string]tftypes.Value{
				"message_type": str(d.MessageType), "contact_id": str(d.ContactID), "contact_name": str(d.ContactName),
				"bound_to": str(d.Via), "bound_to_id": str(d.ViaID), "status": str(d.Status),
				"verified": tftypes.NewValue(tftypes.Bool, d.Verified),
			}))
		}
		accountValues = append(accountValues, tftypes.NewValue(accountType, map[string]tftypes.Value{
			"id": str(a.Account.ID), "name": str(a.Account.DisplayName), "folder_id": str(a.Account.FolderID),
			"folder_path": str(a.FolderPath), "deliveries": tftypes.NewValue(deliveriesType, ds),
		}))
	}

	namesType := gapType.AttributeTypes["unverified_contacts"]
	messagesType := obj.AttributeTypes["gap_messages"]
	gapValues := make([]tftypes.Value, 0, len(gaps))
	messages := make([]tftypes.Value, 0, len(gaps))
	for _, g := range gaps {
		names := make([]tftypes.Value, len(g.Unverified))
		for i, n := range g.Unverified {
			names[i] = str(n)
		}
		gapValues = append(gapValues, tftypes.NewValue(gapType, map[string]tftypes.Value{
			"account_id": str(g.AccountID), "account_name": str(g.AccountName), "folder_path": str(g.FolderPath),
			"message_type": str(g.MessageType), "reason": str(g.Reason), "unverified_contacts": tftypes.NewValue(namesType, names),
		}))
		messages = append(messages, str(g.String()))
	}

	attrs["directory_id"] = str(directoryID)
	attrs["covered"] = tftypes.NewValue(tftypes.Bool, len(gaps) == 0)
	attrs["accounts"] = tftypes.NewValue(accountsType, accountValues)
	attrs["gaps"] = tftypes.NewValue(gapsType, gapValues)
	attrs["gap_messages"] = tftypes.NewValue(messagesType, messages)
	return tftypes.NewValue(obj, attrs), nil
}

// allContacts lists every contact once: from the operation's snapshot with
// batched reads (shared with every other read of the operation), else from
// ListMessageContacts pages. Neither reads a contact on its own.
func allContacts(ctx context.Context, client *rdapi.Client) ([]rdapi.MessageContact, error) {
	var out []rdapi.MessageContact
	if s := client.Snapshot(); s.Enabled() {
		all, err := s.Contacts(ctx, nil)
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			out = append(out, c.MessageContact)
		}
		return out, nil
	}
	for mc, err := range client.ListMessageContacts(ctx, rdapi.ListMessageContactsInput{PageSize: rdapi.MaxPageSize}) {
		if err != nil {
			return nil, err
		}
		out = append(out, mc)
	}
	return out, nil
}
