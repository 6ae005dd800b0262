package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

    @Test
    void aParameterSegmentStandsForExactlyOneSegment() {
        assertThat(RouteTemplates.matches("/v1/IpRecords/:sid", "/v1/IpRecords/IL" + "0".repeat(32))).isTrue();
        assertThat(RouteTemplates.matches("/v1/IpRecords/:sid", "/v1/IpRecords/x/y")).isFalse();
        assertThat(RouteTemplates.matches("/v1/IpRecords/:sid", "/v1/IpRecords")).isFalse();
        assertThat(RouteTemplates.matches("/v1/IpRecords/:sid", "/v1/IpRecords/")).isFalse();
        assertThat(RouteTemplates.matches("/v1/IpRecords", "/v1/IpRecords")).isTrue();
        assertThat(RouteTemplates.matches("/v1/IpRecords", "/v1/IpRecordsX")).isFalse();
        assertThat(RouteTemplates.matches("/v1/IpRecords", "/v1/SourceIpMappings")).isFalse();
        assertThat(RouteTemplates.matches("/a/:x/b", "/a/1/b")).isTrue();
        assertThat(RouteTemplates.matches("/a/:x/b", "/a/1/c")).isFalse();
    }

    @Test
    void aTemplateEndingInAStarMatchesEveryPathUnderItsPrefix() {
        assertThat(RouteTemplates.matches("/console/*", "/console/")).isTrue();
        assertThat(RouteTemplates.matches("/console/*", "/console/app.js")).isTrue();
        assertThat(RouteTemplates.matches("/console/*", "/consoles")).isFalse();
        assertThat(RouteTemplates.matches("/console", "/console/")).isFalse();
    }
}
