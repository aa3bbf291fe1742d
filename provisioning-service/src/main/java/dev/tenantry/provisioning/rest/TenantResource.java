package dev.tenantry.provisioning.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.model.AcceptedTenant;
import dev.tenantry.provisioning.model.NewTenant;
import dev.tenantry.provisioning.model.TenantPage;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.service.TenantRequests;
import dev.tenantry.support.rest.ProblemException;
import dev.tenantry.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.sql.SQLException;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant API. Translates HTTP only: every rule lives in {@link TenantRequests} and the saga. */
@Path("/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tenants")
public class TenantResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private final TenantRequests requests;
    private final ProvisioningConfig config;
    private final ObjectMapper json;

    public TenantResource(TenantRequests requests, ProvisioningConfig config, ObjectMapper json) {
        this.requests = requests;
        this.config = config;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(
            summary = "Request a new tenant",
            description = "Provisioning continues asynchronously; follow "
                    + "the tenant's status or the tenant-lifecycle topic. The same Idempotency-Key with the same body "
                    + "returns the first response again; with another body it is refused (422). A key is remembered for "
                    + "48 hours (tenantry.provisioning.retention.idempotency-keys).")
    @APIResponse(
            responseCode = "202",
            description = "Accepted; Location names the tenant",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AcceptedTenant.class)))
    @APIResponse(responseCode = "400", description = "Invalid or reserved slug, malformed body, unknown fields")
    @APIResponse(responseCode = "409", description = "The slug belongs to a live tenant")
    @APIResponse(responseCode = "422", description = "Idempotency key reused with another body")
    public Response create(
            CreateTenantBody body,
            @Parameter(description = "Makes retries safe for 48 hours") @HeaderParam(IDEMPOTENCY_KEY) String key)
            throws SQLException {
        if (body == null) {
            throw ProblemException.badRequest("A JSON body with slug and displayName is required");
        }
        TenantRequests.Accepted accepted = requests.create(
                new NewTenant(body.slug(), body.displayName(), body.plan(), body.metadata()), key, null);
        return accepted(accepted);
    }

    @GET
    @Path("/{idOrSlug}")
    @RolesAllowed({Roles.VIEWER, Roles.TENANT_ADMIN, Roles.OPERATOR})
    @Operation(summary = "A tenant by id, or by slug (its live tenant, else the latest that had it)")
    @APIResponse(
            responseCode = "200",
            description = "The tenant",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TenantView.class)))
    @APIResponse(responseCode = "404", description = "No such tenant")
    public TenantView get(@PathParam("idOrSlug") String idOrSlug) throws SQLException {
        return requests.find(idOrSlug)
                .map(TenantView::of)
                .orElseThrow(() -> ProblemException.notFound("No tenant " + idOrSlug));
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.TENANT_ADMIN, Roles.OPERATOR})
    @Operation(summary = "Tenants, oldest first, a page at a time")
    @APIResponse(
            responseCode = "200",
            description = "A page of tenants",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TenantListView.class)))
    @APIResponse(responseCode = "400", description = "status, limit or cursor not valid")
    public TenantListView list(
            @QueryParam("status")
                    @Parameter(
                            description = "Only tenants in this status (any case)",
                            schema = @Schema(implementation = TenantStatus.class))
                    String status,
            @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor)
            throws SQLException {
        TenantStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = TenantStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalidField(
                        "status", "must be one of " + java.util.Arrays.toString(TenantStatus.values()));
            }
        }
        int size = limit == null ? config.api().defaultPageSize() : limit;
        if (size < 1 || size > config.api().maxPageSize()) {
            throw ProblemException.invalidField(
                    "limit", "must be between 1 and " + config.api().maxPageSize());
        }
        TenantPage page;
        try {
            page = requests.list(wanted, cursor == null || cursor.isBlank() ? null : cursor, size);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor from a previous page");
        }
        return new TenantListView(page.items().stream().map(TenantView::of).toList(), page.nextCursor());
    }

    @GET
    @Path("/{idOrSlug}/timeline")
    @RolesAllowed({Roles.VIEWER, Roles.TENANT_ADMIN, Roles.OPERATOR})
    @Operation(
            summary = "Everything that happened to the tenant, in order: requests, transitions, "
                    + "migration results (applied or ignored), compensation steps")
    @APIResponse(
            responseCode = "200",
            description = "The tenant's timeline, oldest entry first",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TimelineView.class)))
    @APIResponse(responseCode = "404", description = "No such tenant")
    public TimelineView timeline(@PathParam("idOrSlug") String idOrSlug) throws SQLException {
        var tenant = requests.find(idOrSlug).orElseThrow(() -> ProblemException.notFound("No tenant " + idOrSlug));
        return new TimelineView(
                tenant.idText(), requests.timeline(tenant.idText()).orElseThrow());
    }

    @POST
    @Path("/{idOrSlug}/upgrade")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Upgrade an ACTIVE tenant, or retry a failed upgrade")
    @APIResponse(
            responseCode = "202",
            description = "Accepted",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AcceptedTenant.class)))
    @APIResponse(responseCode = "404", description = "No such tenant")
    @APIResponse(responseCode = "400", description = "targetVersion is not a migration version (like 3 or 1.2)")
    @APIResponse(responseCode = "409", description = "The tenant's status does not allow an upgrade")
    @APIResponse(
            responseCode = "422",
            description = "targetVersion is not a tenant migration version the migration " + "workers know")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = UpgradeTenantBody.class)))
    public Response upgrade(
            @PathParam("idOrSlug") String idOrSlug,
            String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(IDEMPOTENCY_KEY) String key)
            throws SQLException, JsonProcessingException {
        // The body is optional, so it is read here: no body and no content type is a plain upgrade.
        UpgradeTenantBody upgrade = null;
        if (body != null && !body.isBlank()) {
            if (!isJson(contentType)) {
                throw new ProblemException(
                        415,
                        "unsupported-media-type",
                        "Unsupported Media Type",
                        "An upgrade body must be application/json");
            }
            upgrade = json.readValue(body, UpgradeTenantBody.class);
        }
        return accepted(requests.upgrade(idOrSlug, upgrade == null ? null : upgrade.targetVersion(), key, null));
    }

    @DELETE
    @Path("/{idOrSlug}")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Delete a tenant: its schema is renamed aside and kept for the retention period")
    @APIResponse(
            responseCode = "202",
            description = "Accepted",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AcceptedTenant.class)))
    @APIResponse(responseCode = "404", description = "No such tenant")
    @APIResponse(responseCode = "409", description = "The tenant's status does not allow deletion")
    public Response delete(@PathParam("idOrSlug") String idOrSlug, @HeaderParam(IDEMPOTENCY_KEY) String key)
            throws SQLException {
        return accepted(requests.delete(idOrSlug, key, null));
    }

    private static boolean isJson(String contentType) {
        try {
            return contentType != null && MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Response accepted(TenantRequests.Accepted accepted) {
        AcceptedTenant tenant = accepted.tenant();
        Response.ResponseBuilder response = Response.accepted(tenant)
                .location(UriBuilder.fromPath("/tenants/{id}").build(tenant.id()));
        if (accepted.replayed()) {
            response.header(IDEMPOTENT_REPLAYED, "true");
        }
        return response.build();
    }
}
