// Package emulator is an in-memory, loopback emulator of Alibaba Cloud's
// ResourceDirectoryMaster API (version 2022-04-19), limited to the twelve
// message contact operations and the four reads of the directory's tree
// (GetResourceDirectory, ListAccounts, ListFoldersForParent,
// ListAncestors). Tests start it with NewServer; the rdemulator
// command serves it standalone. It imports neither the API client nor any
// Terraform package: its wire structs and its signature verification are
// written from the API documentation.
//
// # Settings
//
// The switches that may change while the emulator runs are the fields of
// Settings, each written once there: tests set them typed (WithSettings at
// start, Apply later), the rdemulator command takes each as a flag
// (-read-mode, -latency, …: the json name with "-" for "_"), and the
// settings admin endpoint reads and patches them by json name. Credentials,
// the clock, the directory and the seed are fixed at start (With* options).
//
// # Fidelity contract
//
// Each behaviour is tagged [D] documented by Alibaba Cloud, [S] read from
// the official SDK source, or [A] an assumption. Where an assumption could
// reasonably go the other way, the switch that selects the variant is named.
//
// Protocol
//   - [D] RPC style: "POST /" (GET is accepted too). Parameters come from the
//     query string and/or an application/x-www-form-urlencoded body, merged.
//     Action and Version come from the x-acs-action/x-acs-version headers or
//     the Action/Version parameters. Only Version 2022-04-19 is served.
//   - [S] Arrays are flattened with 1-based indexes (MessageTypes.1,
//     Members.1). [A] Indexes must run from 1 without gaps, else
//     400 InvalidParameter.
//   - [D] Replies are JSON with a RequestId (an uppercase UUID). Errors use the
//     common envelope {RequestId, HostId, Code, Message, Recommend}; HostId is
//     the request's Host, Recommend is
//     https://api.aliyun.com/troubleshoot?q=<Code>&product=ResourceDirectoryMaster&requestId=<id>.
//     The x-acs-request-id header repeats the RequestId.
//   - [A] Missing Action: 400 MissingParameter.Action; missing Version:
//     400 MissingParameter.Version; another Version: 400 InvalidVersion;
//     unknown action or path: 404 InvalidAction.NotFound; other methods:
//     400 UnsupportedHTTPMethod.
//
// Authentication
//   - [D] V3 ACS3-HMAC-SHA256: the canonical request is rebuilt from exactly
//     the headers listed in SignedHeaders; every x-acs-*, host and
//     content-type header present must be listed (else IncompleteSignature);
//     x-acs-content-sha256 must equal the body's SHA-256 (else
//     SignatureDoesNotMatch).
//   - [D] V1 HMAC-SHA1 (SignatureVersion 1.0): the signed set is every query
//     and form-body parameter except Signature; the key is secret + "&".
//   - [D] Unknown AccessKey ID: 404 InvalidAccessKeyId.NotFound. Bad
//     signature: 400 SignatureDoesNotMatch (the message carries the server's
//     string to sign, as the gateway does). Timestamp more than 15 minutes
//     from the emulator's clock: 400 InvalidTimeStamp.Expired; unparsable:
//     400 InvalidTimeStamp.Format. A nonce reused by the same key within 30
//     minutes: 400 SignatureNonceUsed. Malformed Authorization header or
//     missing signature parts: 400 IncompleteSignature.
//   - [A] STS: a key added with WithSTSCredential needs its token
//     (x-acs-security-token in V3, SecurityToken in V1): absent gives
//     400 MissingSecurityToken, different gives
//     400 InvalidSecurityToken.MismatchWithAccessKey; a token sent with a
//     plain key gives 400 InvalidSecurityToken.Malformed. [S] The SDK also
//     sends x-acs-accesskey-id with STS; it must match the Credential.
//   - [A] All keys belong to one account, the resource directory's management
//     account; "per account" limits below are therefore global.
//
// Data model
//   - [D] Contact fields: ContactId (c- plus 16 letters and digits [A]), Name,
//     EmailAddress, PhoneNumber, Title, MessageTypes, Members, Status,
//     CreateDate; ListMessageContacts adds AssociatedDate. PhoneNumber is
//     omitted when the contact has none [A].
//   - [D] Dates are "yyyy-MM-dd HH:mm:ss" with no zone. [A] UTC+8, the zone
//     the documentation's examples suggest. Switch: Settings.CreateDateZone
//     (create_date_zone, "+08:00" by default, any real offset such as
//     "+00:00"). [A] The clock that stamps them is the one behind the Date
//     header; Settings.CreateDateSkew (create_date_skew, a signed duration)
//     moves it ahead or behind, as if they were different machines.
//   - [D] Name is 2–12 characters, unique. [A] Letters or Chinese characters
//     (^[A-Za-z\p{Han}]{2,12}$): a bad length gives
//     InvalidParameter.Name.Length, a bad character InvalidParameter.Name, a
//     taken name InvalidParameter.Name.AlreadyUsed (names of contacts being
//     deleted stay taken; comparison is case-sensitive).
//   - [D] PhoneNumber is <country code>-<number>; a code other than 86 gives
//     InvalidParameter.MobileCountryCode. [A] Otherwise it must match
//     ^86-1\d{10}$, else InvalidParameter.PhoneNumber.
//   - [D] EmailAddress must be an address (InvalidParameter.EmailAddress).
//   - [D] Title and MessageTypes enumerations; [A] violations give
//     InvalidParameter.Title and InvalidParameter.MessageTypes, absent
//     required values MissingParameter.<Name>. Repeated message types are
//     collapsed, keeping the first occurrence [A].
//   - [A] Get and List return MessageTypes in the order last submitted
//     (default) or sorted alphabetically; the documentation does not say.
//     Switch: Settings.MessageTypesOrder (message_types_order, submitted or
//     sorted). Order carries no meaning: a client must compare them as sets.
//   - [D] ContactId with a bad format: 400 InvalidParameter.ContactId; absent:
//     400 MissingParameter.ContactId; unknown: 404 EntityNotExists.Contact.
//
// Verification
//   - [D] An email address or phone number given to Add or Update takes
//     effect only once verified. The emulator keeps, per contact, a verified
//     and a pending email and phone. Add makes both pending. [A] Update with
//     the verified value clears a pending change, with the pending value is a
//     no-op, with any other value replaces the pending value. An empty
//     PhoneNumber= on Update removes the phone (verified and pending); empty
//     Name, EmailAddress or Title are ignored as if absent.
//   - [D] Status is Verifying while anything is pending, Active otherwise,
//     Deleting during an asynchronous deletion.
//   - [A] Which email/phone Get and List report while a change is pending is
//     undocumented. Switch: Settings.ReadMode (read_mode). ReadSubmitted
//     (default) reports the latest submitted value; ReadVerified reports the
//     last verified value (or the submitted one if never verified).
//   - [D] ListMessageContactVerifications lists pending targets as
//     {ContactId, Target}, paged. [A] ContactId is an optional filter (the
//     documented example has TotalCount 48, which one contact cannot have);
//     rows follow contact creation order, email before phone.
//   - [A] Targets are shown as submitted. The API reference's examples show
//     them masked (someone***@example.com, 86-139****1234), as they show
//     Get's and List's; whether the API masks them is undocumented.
//     Switch: Settings.VerificationTargets (verification_targets, full or
//     masked): masked shows the first half of an address's local part,
//     "***@" and the domain, and a phone number's country code, first three
//     digits, a "*" per hidden digit and last four. Get and List always
//     show the values unmasked.
//   - [D] Send*VerificationForMessageContact works only for the current
//     pending target, else 404 EntityNotExists.Contact.Verification, and
//     counts against a daily per-account limit, beyond which it answers
//     409 SendValidateCodeExceedsLimitForAccount. [A] The limit is 10 per
//     UTC+8 day (Settings.DailySendLimit). Verify does not require a prior send.
//   - [D] CancelMessageContactUpdate drops pending targets. [A] The targets
//     named by EmailAddress/PhoneNumber, or every pending one if neither is
//     given; nothing pending, a named target that is not pending, or dropping
//     an email that was never verified (a contact needs one) gives
//     400 ContactStatusMismatchAction.
//   - [A] The only way to complete a verification is the test hook: Verify or
//     POST /_emulator/verify.
//
// Bindings
//   - [D] AssociateMembers/DisassociateMembers take 1–5 IDs (the directory rd-…, a
//     folder fd-…, a 16-digit account). More: InvalidParameter.Members.Length;
//     none: MissingParameter.Members [A]; repeated:
//     InvalidParameter.Members.Duplicate; malformed: InvalidParameter.Members
//     [A]; absent from the directory: InvalidMember; beyond the per-contact
//     cap: LimitExceeded.ContactMembers ([A] cap 20, Settings.MaxMembersPerContact).
//   - [A] Rebinding a bound object succeeds without change (its ModifyDate is
//     the original bind time); unbinding an unbound object succeeds without
//     change. Both are refused with ContactStatusMismatchAction while the
//     contact is Deleting, and allowed while it is Verifying.
//   - [A] Members lists only directly bound objects; inheritance through
//     folders is not expanded. ListMessageContacts' Member filter (which must
//     exist: 404 EntityNotExists.Member; malformed: 400
//     InvalidParameter.Member) returns contacts bound directly to it and sets
//     AssociatedDate to that binding's time.
//
// Tree
//   - [D] The directory has its own ID (rd-…, what a contact is bound to for
//     the whole directory) and a root folder (r-…), distinct: GetResourceDirectory
//     returns both (ResourceDirectoryId, RootFolderId), with MasterAccountId
//     and MasterAccountName ([A] the Directory's ManagementAccountID) and
//     CreateTime; top-level folders and accounts have the root folder as
//     their parent. [D] Folder IDs are fd-…, root folder IDs r-… ([A] any
//     number of letters and digits after the prefix).
//   - [D][S] Lists are wrapped as in the SDK's response structs:
//     {"Accounts": {"Account": […]}}, {"Folders": {"Folder": […]}}, with
//     TotalCount, PageNumber and PageSize beside them (ListAncestors has no
//     paging). Times are ISO 8601 UTC with milliseconds
//     ("2021-01-18T08:01:50.522Z"), not the contact operations' format.
//   - [D] ListAccounts: PageNumber (default 1), PageSize (1–100, default
//     10), QueryKeyword (fuzzy: [A] a case-insensitive substring of the
//     display name). Each account has AccountId, AccountName, DisplayName,
//     FolderId, JoinMethod, JoinTime, ModifyTime, ResourceDirectoryId,
//     ResourceDirectoryPath (rd-…/r-…/fd-…/<account>), Status and Type.
//     [A] Accounts are listed in join order, all "CreateSuccess" resource
//     accounts; NextToken/MaxResults paging is not served (400
//     InvalidParameter).
//   - [D] ListFoldersForParent: ParentFolderId (absent: the root folder's
//     children), PageNumber, PageSize, QueryKeyword; an unknown folder is 404
//     EntityNotExists.Folder, [A] a malformed one 400
//     InvalidParameter.ParentFolderId. [A] Folders are listed in the order of
//     the directory file.
//   - [D] ListAncestors: ChildId is required (400 MissingParameter.ChildId),
//     a folder or root folder ID (400 InvalidParameter.ChildId), existing
//     (404 EntityNotExists.Folder); it answers the folders above it,
//     top-down, from the root folder (named "root"), [A] without the child
//     itself.
//   - [D] A member that joins the directory or a folder gets the contacts
//     bound above it; one that moves gets its new folders' contacts instead
//     of its old ones'; one that is removed keeps its direct bindings. The
//     emulator needs nothing for this: Members lists direct bindings only,
//     and the tree decides who is beneath them. [A] The root folder (r-…)
//     is not a bindable member (400 InvalidParameter.Members): the
//     directory's ID stands for the whole tree.
//   - Test hooks, not API behaviour: AddAccount, MoveAccount and
//     RemoveAccount (and the admin endpoints below) change the tree as the
//     console would; Reset returns it to the one the emulator started with.
//
// RAM authorization
//   - [D] Each operation is authorized by the RAM action
//     resourcemanager:<Action> (the authorization tables of the API
//     reference). [D] A refusal is 403 Forbidden.RAM on older gateways, or
//     403 NoPermission with an AccessDeniedDetail object (AuthAction,
//     AuthPrincipalType, NoPermissionType, PolicyType) on newer ones; [A] the
//     RPC envelope spells its fields in PascalCase. [D] ListAccounts may be
//     called only by the management account or a delegated administrator;
//     [A] any other member is refused with 409
//     NoPermission.ResourceDirectory.MemberAccount, the code the Resource
//     Center operations of the same product document for that case.
//   - Settings.DenyActions (deny_actions, a comma-separated list of
//     actions) makes the emulator refuse those actions, after
//     authentication and before anything else, with Settings.DenyCode
//     (deny_code: NoPermission, the default, Forbidden.RAM or
//     NoPermission.ResourceDirectory.MemberAccount).
//
// Lists
//   - [A] PageNumber defaults to 1 (at least 1, else
//     InvalidParameter.PageNumber), PageSize to 10 (1–100, else
//     InvalidParameter.PageSize). Contacts are listed in creation order.
//
// Deletion
//   - [D] RetainContactInMembers (default true) keeps the contact in its
//     members' settings. [A] The emulator then removes it at once and
//     answers Status Deleted. Switch: Settings.RetainedDeletion
//     (retained_deletion, sync or async): async answers Deleting and deletes
//     as below (Settings.AsyncDelete), never failing, since the contact is
//     removed from no member.
//   - [D] With false, the answer is Status Deleting and the deletion is
//     asynchronous. [A] The contact shows Deleting in Get/List for the
//     configured time (Settings.AsyncDelete), then disappears (404). With 0 (the
//     default) exactly one read (Get, a List page that includes it, or
//     GetMessageContactDeletionStatus) observes Deleting, then it is gone.
//   - [D] GetMessageContactDeletionStatus reports Deleting or Failed with a
//     FailReasonList. [A] After a successful deletion it answers 404
//     EntityNotExists.Contact, as it does for a contact whose deletion never
//     started. FailNextDeletion makes the next asynchronous deletion fail: the
//     contact stays, back to Active or Verifying, and the status call reports
//     Failed until another deletion starts. Deleting a contact that is already
//     Deleting answers Deleting again.
//
// Contention, throttling and faults
//   - [D] 429 ConcurrentCallNotSupported exists for Delete and Associate. [A]
//     Every mutating call (Add, Update, Delete, Associate, Disassociate,
//     Cancel, Send*) takes a lock as it arrives and holds it for the whole
//     server-side call: its Settings.Latency, its work, then
//     Settings.MutationHold. The real API very likely holds its lock as long,
//     so with any latency parallel writers conflict (at -latency 20ms
//     -lock-scope account, ten parallel writers see 429s without any
//     -mutation-hold). A second mutation in the same scope meanwhile is
//     refused with 429 (after its own latency). Scope: Settings.LockScope
//     (LockPerAccount, the default, or LockPerContact).
//   - [D] Quota 20 calls per second per action per account. [A] A token
//     bucket per action (burst 20, Settings.RateLimit) answers
//     400 Throttling.User with the header
//     x-ratelimit-user-api: Limit:20,Remain:0,TimeLeft:<ms>,Reset:<unix ms>
//     (the format is an assumption built from the SDK's parser).
//   - Settings.Latency is the server-side time of every call (default 0): a
//     call answers after it, a mutating call holding its lock meanwhile.
//   - Test faults, not API behaviour: FailNext(action, code, n), DropNext(action, n) (the call commits, then
//     the connection closes with no reply), Settings.ServerErrorRate (seeded
//     500 InternalError/503 ServiceUnavailable before any work),
//     Settings.ReadAfterCreateDelay (a new contact is 404 to Get/List for a while),
//     FailNextDeletion. Stats counts calls, conflicts, throttles and 5xx per
//     action, and the peak number of concurrent mutations.
//
// Processing order of one call: path and method, body, Action, Version,
// known action, authentication, RAM denial, FailNext or random server error, rate
// limit, mutation lock, latency, the operation, mutation hold, DropNext. A
// call refused before the latency step answers after its latency.
//
// # Admin endpoints
//
// Under /_emulator/, without authentication, JSON in and out, every field
// name in snake_case. Errors answer {"error": "..."} with 400 (bad request),
// 404 (unknown contact or endpoint), 409 (target not pending, or pending on
// several contacts), 500 (the state file could not be written), or the API's
// status and code when an out-of-band contact change breaks its rules. The
// README's emulator section shows each with curl, and a test runs those
// commands.
//
//	GET  /_emulator/state     -> {"directory": {...}, "contacts": [Contact...], "settings": {...}}
//	POST /_emulator/accounts         {"account_id": "1500000000000009", "name": "new-app", "folder_id": "fd-..."}
//	POST /_emulator/accounts/move    {"account_id": "1500000000000009", "folder_id": "r-..."}
//	POST /_emulator/accounts/remove  {"account_id": "1500000000000009"}
//	                          -> the directory after the change (404: unknown account or folder,
//	                             409: the account is already a member)
//	POST /_emulator/contacts/update  {"contact": "FinanceTeam", "title": "CEO", "message_types": ["ServiceMessage"]}
//	                                 (name, email_address, phone_number, title, message_types: any subset)
//	POST /_emulator/contacts/bind    {"contact": "c-...", "member_ids": ["fd-..."]}
//	POST /_emulator/contacts/unbind  {"contact": "c-...", "member_ids": ["rd-..."]}
//	POST /_emulator/contacts/delete  {"contact": "FinanceTeam"}
//	                          -> the Contact snapshot after the change ({"ok": true} after delete).
//	                             Changes made elsewhere (someone in the console): "contact" is an ID
//	                             or a name; the API operation runs with its checks and effects (an
//	                             error answers the API's code and status) but without signature,
//	                             faults, quotas, latency or stats; the deletion is immediate.
//	POST /_emulator/sends/reset      -> {"ok": true}; the day's count of verification messages
//	                             starts again (it does at midnight UTC+8 anyway)
//	GET  /_emulator/stats     -> {"calls": {"AddMessageContact": 3}, "conflicts": {}, "throttled": {},
//	                              "server_errors": {}, "errors": {"EntityNotExists.Contact": 1},
//	                              "max_concurrent_mutations": 1}
//	GET  /_emulator/settings  -> the settings object below
//	POST /_emulator/verify    {"contact_id": "c-...", "target": "tom@example.com"}
//	                          (contact_id may be omitted if target is pending on one contact)
//	                          -> the Contact snapshot after verification
//	POST /_emulator/faults    {"action": "GetMessageContact", "code": "ServiceUnavailable", "n": 2}
//	                          {"action": "AddMessageContact", "drop": true, "n": 1}
//	                          {"deletion_failure": [{"account_id": "1500000000000002", "message_types": ["AccountExpenses"]}]}
//	                          -> {"ok": true}
//	POST /_emulator/settings  {"read_mode": "verified", "message_types_order": "sorted",
//	                           "verification_targets": "masked", "latency": "20ms",
//	                           "mutation_hold": "100ms", "lock_scope": "contact", "rate_limit": 20,
//	                           "daily_send_limit": 10, "max_members_per_contact": 20, "async_delete": "2s",
//	                           "read_after_create_delay": "0s", "server_error_rate": 0,
//	                           "create_date_zone": "+08:00", "create_date_skew": "0s",
//	                           "deny_actions": "ListAccounts", "deny_code": "NoPermission"}
//	                          (any subset) -> the settings after the change
//	POST /_emulator/reset     -> {"ok": true}; drops contacts, faults, counters and nonces,
//	                             and restores the tree
//
// Contact snapshots carry contact_id, name, title, message_types,
// email_address and phone_number (the verified values),
// pending_email_address, pending_phone_number, members, status,
// create_date, email_verifications_sent, phone_verifications_sent and
// last_deletion_failure.
//
// # State file
//
// WithStateFile (rdemulator -state-file) keeps contacts, bindings, pending
// deletions and daily send counts in a JSON file, loaded at start and
// rewritten atomically after each change, so they survive a restart. The
// tree is not kept: it is the directory given at start.
package emulator
