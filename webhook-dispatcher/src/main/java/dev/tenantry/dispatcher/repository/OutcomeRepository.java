package dev.tenantry.dispatcher.repository;

import dev.tenantry.dispatcher.repository.AttemptRepository.NewAttempt;
import dev.tenantry.dispatcher.repository.DeliveryRepository.Outcome;
import dev.tenantry.dispatcher.repository.EndpointRepository.FailureRunChange;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a batch of attempt outcomes as one statement: the attempt log rows, the deliveries'
 * next states and the endpoints' failure runs. One statement is atomic on its own, so outside a
 * transaction it is one round trip to the database instead of four (begin, three statements,
 * commit) -- the writer spends most of its time waiting on those under load.
 */
@ApplicationScoped
public class OutcomeRepository {

    // Data-modifying CTEs all run, whether or not the outer query reads them.
    private static final String RECORD = "WITH moved AS (" + DeliveryRepository.RECORD_OUTCOMES + "),\n"
            + "logged AS (" + AttemptRepository.INSERT + "),\n"
            + "runs AS (" + EndpointRepository.FAILURE_STATE + ")\n"
            + "SELECT id FROM moved";

    /** @return the deliveries whose claim was still current and that moved on */
    public Set<UUID> record(
            Connection connection,
            List<Outcome> outcomes,
            List<NewAttempt> attempts,
            List<FailureRunChange> failureRuns)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(RECORD)) {
            int next = DeliveryRepository.bindOutcomes(connection, statement, 1, outcomes);
            next = AttemptRepository.bind(connection, statement, next, attempts);
            EndpointRepository.bindFailureRuns(connection, statement, next, failureRuns);
            return DeliveryRepository.movedIds(statement);
        }
    }
}
