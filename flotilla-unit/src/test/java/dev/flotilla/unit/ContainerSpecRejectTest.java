package dev.flotilla.unit;

import static dev.flotilla.unit.Rejections.rejectedAt;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal of [Container]. The section header is line 4; the first entry line 5. */
class ContainerSpecRejectTest {

    private static UnitParseException reject(String body, int line, int column, String reason) {
        UnitFile f = UnitFile.parse("a.container", "[Unit]\nDescription=x\n\n[Container]\n" + body);
        return rejectedAt(() -> ContainerSpec.parse(f, UnitName.parse("a.container"), ContainerSpecTest.CORE02),
                line, column, reason);
    }

    @Test
    void noContainerSectionOrNoImage() {
        UnitFile f = UnitFile.parse("a.container", "[Unit]\nDescription=x\n");
        rejectedAt(() -> ContainerSpec.parse(f, UnitName.parse("a.container"), ContainerSpecTest.CORE02), 1, 1,
                "needs a [Container] section");
        reject("Exec=sleep 1\n", 4, 1, "[Container] has no Image=");
        reject("Image=x\nImage=\n", 4, 1, "has no Image=");
    }

    @Test
    void unknownKeysAreNamedWithASuggestion() {
        UnitParseException e = reject("Image=x\nImgae=y\n", 6, 1, "unknown key Imgae in [Container] (did you mean Image?)");
        assertThat(e.reason()).contains("supported: CPUShares CPUWeight ContainerName");
        reject("Image=x\n  AddCapability=NET_ADMIN\n", 6, 3, "Quadlet key AddCapability is not supported");
        reject("Image=x\nhealthcmd=true\n", 6, 1, "did you mean HealthCmd?");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PublishPort=80:0 | 16 | PublishPort: container port must be 1-65535, got 0",
            "PublishPort=8080-8090:80 | 13 | port ranges are not supported",
            "PublishPort=1.2.3:80:80 | 13 | not an IPv4 address",
            "PublishPort=localhost:80:80 | 13 | not an IPv4 address",
            "PublishPort=80/quic | 16 | unknown protocol \"quic\"",
            "PublishPort=[::1]:80 | 19 | after an address, write hostPort:containerPort",
            "PublishPort=[nothex]:1:80 | 14 | not an IPv6 address",
            "PublishPort=:80 | 13 | host port must be a number",
            "PublishPort=70000:80 | 13 | host port must be 1-65535, got 70000",
            "Volume=data | 8 | container path \"data\" must be absolute",
            "Volume=/a:rel | 11 | container path \"rel\" must be absolute",
            "Volume=./x:/y | 8 | neither an absolute host path nor a volume name",
            "Volume=/a:/b:ro,bogus | 17 | unknown volume option \"bogus\"",
            "Volume=/a:/b:ro:z | 8 | expected [source:]target[:options]",
            "Memory=lots | 8 | Memory: expected a size",
            "Memory=0 | 8 | at least 1 byte",
            "Memory=1ib | 8 | expected a size",
            "CPUWeight=0 | 11 | CPUWeight: expected a whole number 1-10000",
            "CPUShares=1 | 11 | expected a whole number 2-262144",
            "HealthRetries=-1 | 15 | expected a whole number 0-",
            "HealthInterval=soon | 16 | HealthInterval: expected a number",
            "StopTimeout=10 parsecs | 16 | unknown time unit",
            "Pull=sometimes | 6 | Pull: expected never, missing, always or newer",
            "HealthOnFailure=explode | 17 | expected none, kill, restart or stop",
            "Environment=NOEQUALS | 13 | expected NAME=value",
            "Environment=A=1 \"B=2 | 17 | unterminated double quote",
            "Label==x | 7 | expected NAME=value",
            "Exec=echo \\q | 11 | Exec: unknown escape",
            "Entrypoint=[\"/bin/sh\"] | 12 | JSON-array form is not supported",
            "ContainerName=-bad | 15 | a container name is 2 or more",
            "User=a b | 6 | expected one word",
            "WorkingDir=app | 12 | expected an absolute path",
            "EnvironmentFile=env.list | 17 | expected an absolute path",
            "Network=%z | 9 | Network: unknown specifier \"%z\"",
            "PodmanArgs=--privileged | 12 | PodmanArgs: only --volumes-from=CONTAINER[:ro|rw] is supported",
            "PodmanArgs=--volumes-from=db1 --rm | 31 | only --volumes-from",
            "PodmanArgs=--volumes-from | 12 | only --volumes-from",
            "PodmanArgs=--volumes-from=db1:z | 31 | --volumes-from takes :ro or :rw, got \"z\"",
            "PodmanArgs=--volumes-from=-x | 27 | --volumes-from needs a container name",
            "NetworkAlias=a b | 14 | expected one word"})
    void malformedValuesPointIntoTheValue(String entry, int column, String reason) {
        reject("Image=x\n" + entry + "\n", 6, column, reason);
    }

    @Test
    void errorsAfterSpecifierExpansionPointAtTheValueStart() {
        reject("Image=x\nPublishPort=%i:80\n", 6, 13, "host port must be a number");
    }

    @Test
    void cpuWeightAndSharesTogether() {
        reject("Image=x\nCPUShares=512\nCPUWeight=100\n", 7, 1, "CPUWeight and CPUShares set the same thing");
    }

    @Test
    void startupHealthKeysNeedAStartupCommand() {
        reject("Image=x\nHealthStartupRetries=3\n", 6, 1, "HealthStartupRetries needs HealthStartupCmd=");
    }
}
