package io.tapline.control.domain;

/**
 * One EC2 command being decided: the state it is decided against (never modified), the caller's
 * account in it, the parameters, the action's wire name and the wall-clock time for creation stamps.
 */
record CommandRequest(ControlState state, ControlState.AccountState account, Params params, String action,
    String accountId, long nowMillis) {}
