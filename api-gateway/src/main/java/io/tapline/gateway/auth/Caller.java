package io.tapline.gateway.auth;

/**
 * Who made a verified call.
 *
 * @param accessKeyId the key that signed the call
 * @param accountId   the account the key acts for
 * @param region      the region of the signature's credential scope
 */
public record Caller(String accessKeyId, String accountId, String region) {}
