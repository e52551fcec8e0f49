package io.jenkins.plugins.onepanel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's keys, and the endpoints a job may name: the administrator's rules as they read. */
class KeyPrefixesTest {

    @Test
    void aJobsPrefixIsItsFullNameUnlessTheDeepestFolderRuleSaysOtherwise() {
        KeyPrefixes rules = KeyPrefixes.parse("""
                # shared within a team
                team-a = shared/team-a/
                team-a/releases = /releases
                """);
        assertEquals("other/nightly", rules.prefixOf("other/nightly"));
        assertEquals("shared/team-a", rules.prefixOf("team-a/nightly"));
        assertEquals("releases", rules.prefixOf("team-a/releases/v1"));
        assertEquals("team-ab/x", rules.prefixOf("team-ab/x"), "a folder is a path segment, not a string prefix");
    }

    @Test
    void aRuleThatWouldOpenTheBucketOrLeaveItIsRefusedWithItsLine() {
        assertEquals(List.of("line 1: no prefix after '=': a job may not use the whole bucket",
                        "line 2: expected FOLDER = PREFIX, e.g. team-a = shared/team-a"),
                KeyPrefixes.problems("team-a = /\njust-a-folder\n"));
        assertTrue(KeyPrefixes.problems("team-a = shared/../other").get(0).startsWith("line 1: the prefix 'shared/../other'"
                + " is not a usable key"));
        assertEquals("team-a/job", KeyPrefixes.parse("team-a = ../x").prefixOf("team-a/job"),
                "a bad rule in a hand-edited file never widens a job's keys");
    }

    @Test
    void onlyTheAdministratorsEndpointAndListedOnesAreAllowed() {
        EndpointAllowList list = EndpointAllowList.parse("https://minio.example.com:9000\nhttp://10.0.0.5\n");
        assertTrue(list.allows("https://MINIO.example.com:9000/", null));
        assertTrue(list.allows("http://10.0.0.5:80", null));
        assertTrue(list.allows("https://s3.internal", "https://s3.internal:443"));
        assertTrue(list.allows(null, null), "no endpoint: the AWS default, which nobody chose");
        assertFalse(list.allows("https://minio.example.com:9001", null));
        assertFalse(list.allows("http://169.254.169.254", null));
        assertFalse(list.allows("https://user:secret@minio.example.com:9000", null));
        assertFalse(list.allows("file:///etc/passwd", null));
        assertEquals(List.of("line 2: expected an endpoint URL such as https://minio.example.com:9000"),
                EndpointAllowList.problems("https://ok.example.com\nftp://nope\n"));
    }
}
