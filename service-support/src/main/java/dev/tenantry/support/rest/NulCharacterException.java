package dev.tenantry.support.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * JSON text (a value or an object key) carried the NUL character. PostgreSQL cannot store it in
 * text, and no field of any Tenantry request needs it, so it is refused while the body is read.
 */
public class NulCharacterException extends MismatchedInputException {

    NulCharacterException(JsonParser parser) {
        super(parser, "text must not contain the NUL character (\\u0000)", String.class);
    }
}
