## Frame
skip-to-content = Skip to content
nav-main = Main
nav-queues = Queues
nav-search = Search
nav-admin = Administration
nav-my-requests = My requests
nav-new-request = New request
nav-settings = Settings
sign-in = Sign in
sign-out = Sign out
language = Language
apply = Apply
times-in-zone = Times in { $zone }
go-back = Back
go-home = Home page

## Errors
error-not-found = Not found
error-forbidden = Not allowed
error-invalid = Please check what you entered
error-too-many = Too many attempts; please wait a little
error-too-large = The upload is too large
error-internal = Something went wrong on our side; it has been logged

## Public site
home-title = IT support under contract, on time
home-pitch = We run your support desk to your contract: every request recorded, classified and timed against your SLA, with monitoring that notices trouble before you do.
home-feature-sla = SLA clocks that count only the hours your contract covers, holidays included
home-feature-lines = Four support lines, from first answer to the vendor
home-feature-stability = Stability: monitoring, incidents opened before you notice, 99.5 % availability
home-feature-reports = A monthly report you will actually read
lead-title = Request support
lead-name = Your name
lead-phone = Phone
lead-need = What do you need?
lead-send = Send
lead-thanks = Thank you! We will call you back within one business day.
lead-too-many = Too many requests from your address; please try again in an hour.
lead-bad-name = Please give your name.
lead-bad-phone = Please give a phone number: digits, spaces, + - ( ).
lead-bad-need = Please tell us what you need (up to 5000 characters).

## Signing in
email = Email
password = Password
login-failed = Wrong email or password.
login-too-many = Too many attempts; please try again in { $minutes } min.
login-busy = The server is checking many sign-ins at this moment; please try again in a few seconds.
change-password = Change password
current-password = Current password
new-password = New password
new-password-again = New password again
password-hint = Changing it signs you out everywhere else; API tokens stay.
password-changed = Your password is changed. Other sessions have ended.
password-mismatch = The two new passwords differ.
password-wrong = That is not your current password.
password-bad-new = The new password needs at least { $chars } characters and must differ from the current one.
password-too-many = Too many wrong attempts; please try again later.
follow-browser = As the browser says
time-zone = Time zone
time-zone-hint = Leave empty to use the browser's time zone.
save = Save

## Queues and lists
queue-line = Line { $line }
queue-mine = Mine
queue-unassigned = Unassigned
queue-breached = Breached
queue-needs-qualification = Needs qualification
queue-empty = Nothing here. Well done.
queue-more = More tickets match; the nearest due are shown.
col-subject = Subject
col-customer = Customer
col-class = Class
col-line = Line
col-status = Status
col-assignee = Assignee
col-due = Due
col-opened = Opened
col-reply-due = Reply due
needs-qualification = needs qualification
search = Search
search-words = Words
any = Any
opened-from = Opened from
opened-to = Opened until

## Statuses
status-new = New
status-open = Open
status-waiting_for_customer = Waiting for customer
status-waiting_for_vendor = Waiting for vendor
status-resolved = Resolved
status-closed = Closed

## Clocks
clocks = SLA clocks
clock-reaction = Reaction
clock-resolution = Resolution
clock-work-start = Work start
clock-explain = Target { $target } of covered time,
clock-counted = { $elapsed } counted so far in the contract's hours.
state-running = on time
state-warning = warning
state-breached = breached
state-paused = paused
state-met = met
due = Due
remaining = Remaining
unit-d = { $n } d
unit-h = { $n } h
unit-min = { $n } min

## Ticket page
description = Description
timeline = Timeline
reply = Reply
reply-public = Public reply
reply-internal = Internal note
visibility = Visibility
send = Send
internal = internal
system = System
contract = Contract
contract-from = in force from { $date }
contract-lines = { $lines } lines
coverage = Coverage
coverage-custom = custom hours
opened-at = Opened { $at }
new-status = New status
reason = Reason
change = Change
escalate = Escalate
deescalate = De-escalate
assign = Assign
group = Group
no-group = no group
nobody = nobody
log-time = Log time
minutes = Minutes
what-was-done = What was done
consultation = Consultation
log = Log
vendor-block = Vendor (line 4)
vendor = Vendor
external-ref = Their reference
vendor-status = Their status
promise = What they promised
vendor-contact = Shared with
vendor-not-shared = Not shared
attachments = Attachments
attach = Attach
attachments-hint = Up to 10 MiB per file, 40 MiB in all.
event-created = Request recorded
event-created-detail = class { $class }
event-reply = Reply
event-note = Internal note
event-vendor-note = Vendor's note
event-status = Status
event-class = Class
event-line = Line
event-assignee = Assigned to
event-group = Group
event-milestone = Milestone
event-attachment = File attached
event-time = Time logged
event-vendor = Escalated to vendor
event-vendor-unshared = Vendor contact no longer sees the ticket
event-sla-warning = SLA warning
support-team = Support
event-sla-breach = SLA breached

## Portal
portal-empty = You have no requests yet.
system-unknown = Not sure / other
send-request = Send request
field-subject = Subject
field-description = Description
field-system_id = System
field-customer_id = Customer
resolution = Resolution
confirm-resolution = Yes, it is solved
reopen = Not solved: reopen

## Administration
customers = Customers
new-customer = New customer
add = Add
leads = Requests from the site
leads-none = No requests from the site yet.
mark-handled = Mark handled
users = Users
name = Name
role = Role
lines = Lines
role-admin = Administrator
role-agent = Agent
role-customer = Customer user
role-vendor = Vendor contact
enable = Enable
disable = Disable
new-user = New user
groups = Groups
new-group = New group
add-member = Add member
systems = Systems
built-by-us = built by us
third-party = third-party
contracts = Contract versions
new-contract-version = New contract version
effective-from = In force from
consultation-hours = Consultation hours a month
base-price = Base price, USD a month
warning-percent = Warn at, % of target
stability-addon = Stability add-on (500 USD)
vendor-wait-pauses = Waiting for a vendor pauses the clocks
week-preview = The week covered
holidays = Holidays, one date per line
holidays-ics = …or import an .ics file
sla-table = SLA targets per class
sla-hint = Write 30m, 1h, 4h 30m; not_in_sla; or individual (typed in per ticket). With Stability left as is, its variant applies.
stability-variant = Stability variant
save-contract = Save the new version
preset-base = Business hours 09:30–18:30 Mon–Fri
preset-base-evening = + evening 18:00–20:00
preset-base-saturday = + one weekend day
preset-base-weekends = + both weekend days 09:00–17:00
preset-base-weekends-long = + both weekend days 09:00–20:00
preset-base-evening-weekends-long = + evening and both weekend days 09:00–20:00
preset-24x7 = 24×7
day-1 = Mon
day-2 = Tue
day-3 = Wed
day-4 = Thu
day-5 = Fri
day-6 = Sat
day-7 = Sun

## Phone requests
nav-phone-ticket = Phone request
new-phone-ticket = A request taken by phone
class-automatic = Automatic
call-received = Call received at
call-received-hint = Leave empty for now. The SLA clocks start when the call came in.

## Availability
availability = Availability
month = Month
no-systems = No systems recorded.
this-month = This month
guarantee = Guarantee
allowance-month = Downtime left this month
this-year = This year
allowance-year = Downtime left this year
unknown-time = No data
uptime-bars = Availability by day
incidents = Incidents
no-incidents = No incidents.
detected = Detected
downtime = Downtime
still-down = still down
found-before-customer = found before the customer
down-for = down
availability-hint = Availability counts up and down time from state changes; planned maintenance is left out, and time without data is shown apart and never counted as up.

# ssrf: monitors' targets (tierline_domain::reach), the administrators' monitors page
monitor-list = Monitors
monitor-none = No monitors on this system.
monitor-col-check = Check
monitor-col-health = Health
monitor-col-last = Last result
monitor-health-up = up
monitor-health-down = down
monitor-health-unknown = unknown
monitor-private = Private addresses
monitor-allow-private = May reach private addresses (loopback, link-local, private networks)
monitor-private-hint = Monitors reach public addresses only. Allow private ones only for a monitor whose target you trust: the allowance covers this monitor's own host and port, and an agent's change of target withdraws it.
monitor-target-refused = Target address not allowed: { $class ->
    [loopback] loopback
    [unspecified] unspecified address
    [link-local] link-local
    [private] private network
    [shared] shared address space (carrier-grade NAT)
    [multicast] multicast
    [broadcast] broadcast
    [documentation] documentation range
   *[other] reserved range
}

# parse: limits on what is uploaded (holiday files, attachments)
ics-too-large = The .ics file is larger than { $kib } KiB, the most a holiday file may be.
ics-line-too-long = Line { $line } of the .ics file is longer than { $max } bytes, the most a line may be.
ics-property-too-long = The property on line { $line } of the .ics file is longer than { $max } bytes with its continuation lines, the most a property may be.
ics-too-deep = On line { $line } the .ics file nests components more than { $max } deep.
ics-too-many-events = The .ics file has more than { $max } events (the one too many starts on line { $line }), the most a holiday file may have.
ics-too-many-dates = The .ics file gives more than { $max } holiday dates (reached at the event on line { $line }), the most a holiday file may give; list fewer years or shorter events.
upload-quota = The files of this customer's requests would take more than the { $quota } allowed ({ $used } stored, { $size } sent). Nothing was added.
upload-rate = At most { $rate } of files may be uploaded in { $hours } h for this customer's requests: { $recent } already were, and these files are { $size }. Nothing was added; please try again in { $minutes } min.

# edge: control characters refused in forms (issue 10)
edge-control-chars = { $field }: control characters (such as NUL) are not allowed; line breaks and tabs are.
edge-one-line = { $field }: must be a single line, without line breaks, tabs or other control characters (such as NUL).
field-email = Email
field-name = Name
field-phone = Phone
field-need = What you need
field-body = Message
field-reason = Reason
field-note = Note
field-files = Files
