package dev.flagstep.spec;

/** A reference to a Kubernetes object in the canary's namespace ({@code targetRef}, {@code ingressRef}, ...). */
public record ObjectRef(String apiVersion, String kind, String name) {}
