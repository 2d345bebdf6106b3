package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*directoryDataSource)(nil)

// NewDirectoryDataSource returns the resourcedirectory_directory data source.
func NewDirectoryDataSource() datasource.DataSource {
	return &directoryDataSource{}
}

type directoryDataSource struct {
	dataSourceClient
}

type directoryModel struct {
	ID                  types.String           `tfsdk:"id"`
	RootFolderID        types.String           `tfsdk:"root_folder_id"`
	ManagementAccountID types.String           `tfsdk:"management_account_id"`
	Folders             map[string]folderModel `tfsdk:"folders"`
	Accounts            []accountModel         `tfsdk:"accounts"`
	Timeouts            timeouts.Value         `tfsdk:"timeouts"`
}

type folderModel struct {
	ID       string `tfsdk:"id"`
	Name     string `tfsdk:"name"`
	Path     string `tfsdk:"path"`
	ParentID string `tfsdk:"parent_id"`
}

type accountModel struct {
	ID         string `tfsdk:"id"`
	Name       string `tfsdk:"name"`
	FolderID   string `tfsdk:"folder_id"`
	FolderPath string `tfsdk:"folder_path"`
}

func (d *directoryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_directory"
}

func (d *directoryDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The resource directory: its ID, its root folder, every folder and every member " +
			"account, so that a configuration binds `data.resourcedirectory_directory.this.folders[\"Production\"].id` " +
			"instead of a hard-coded `fd-…` ID.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The resource directory's ID (`rd-…`): " +
				"bind a contact to it to reach every member account."},
			"root_folder_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The root folder's ID " +
				"(`r-…`), the parent of top-level folders and accounts. It is not the directory's ID and cannot be bound."},
			"management_account_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The management account's ID."},
			"folders": schema.MapNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every folder, keyed by its path of names from the top: a top-level folder by its " +
					"name (`Production`), a nested one as `Production/Databases`. Two sibling folders with the same " +
					"name are keyed by path and ID (`Production (fd-…)`).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":        schema.StringAttribute{Computed: true, MarkdownDescription: "The folder's ID (`fd-…`)."},
					"name":      schema.StringAttribute{Computed: true, MarkdownDescription: "The folder's name."},
					"path":      schema.StringAttribute{Computed: true, MarkdownDescription: "The folder's path of names."},
					"parent_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The parent folder's ID (`r-…` for a top-level folder)."},
				}},
			},
			"accounts": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every member account, by ID.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The account's ID (16 digits)."},
					"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "The account's display name."},
					"folder_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The folder the account is in (`r-…` for the root folder)."},
					"folder_path": schema.StringAttribute{Computed: true, MarkdownDescription: "That folder's path (empty for the root folder)."},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": withPositiveReadTimeout(timeouts.Block(ctx)),
		},
	}
}

func (d *directoryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data directoryModel
	ctx, cancel, ok := startRead(ctx, req, resp, &data, func() timeouts.Value { return data.Timeouts })
	if !ok {
		return
	}
	defer cancel()

	tree, err := d.client.Tree(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read the Resource Directory", err.Error())
		return
	}
	data.ID = types.StringValue(tree.DirectoryID)
	data.RootFolderID = types.StringValue(tree.RootFolderID)
	data.ManagementAccountID = types.StringValue(tree.ManagementAccountID)
	data.Folders = make(map[string]folderModel, len(tree.Folders))
	for _, f := range tree.Folders {
		p := tree.FolderPath(f.ID)
		key := p
		if _, taken := data.Folders[key]; taken {
			key = fmt.Sprintf("%s (%s)", p, f.ID)
		}
		data.Folders[key] = folderModel{ID: f.ID, Name: f.Name, Path: p, ParentID: f.ParentID}
	}
	data.Accounts = make([]accountModel, 0, len(tree.Accounts))
	for _, a := range sortedAccounts(tree) {
		data.Accounts = append(data.Accounts, accountModel{ID: a.ID, Name: a.DisplayName, FolderID: a.FolderID, FolderPath: tree.FolderPath(a.FolderID)})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
