#!/usr/bin/env python3
"""Write Tapline's mirrored packets to a classic pcap file.

Reads the public topic tapline.packets.mirrored with isolation.level=read_committed (records of
aborted transactions never show), decodes each value (Avro single-object encoding: marker C3 01,
the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro body) with
fastavro, and writes every packet, with its capture time and original length, to a pcap file that
Wireshark and tcpdump read (microsecond timestamps, link type Ethernet). The wire format is
described in schemas/README.md.

    mirrored_to_pcap.py --bootstrap-servers 127.0.0.1:9092 out.pcap
    mirrored_to_pcap.py --bootstrap-servers b1:9093 --security-protocol SASL_SSL \\
        --sasl-mechanism SCRAM-SHA-512 --sasl-username reader --sasl-password-file pw \\
        --ssl-ca-location ca.pem --session tms-0123456789abcdef0 --max-packets 1000 out.pcap

Libraries: confluent-kafka (Debian: python3-confluent-kafka) and fastavro (pip); see README.md.
"""

import argparse
import glob
import io
import json
import os
import signal
import struct
import sys
import time
import uuid

import fastavro
from confluent_kafka import Consumer, KafkaError, KafkaException

TOPIC = "tapline.packets.mirrored"
MARKER = b"\xc3\x01"
#: Snap length of the file, as Tapline's own PcapWriter writes it (CaptureFileReader.MAX_CAPTURED_LENGTH).
SNAP_LENGTH = 256 * 1024
LINKTYPE_ETHERNET = 1
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMAS = os.path.join(HERE, "..", "..", "schemas", "avsc", "MirroredPacketBatch.avsc")

_CRC64_EMPTY = 0xC15D213AA4D7A795
_CRC64_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_CRC64_EMPTY & -(_fp & 1))
    _CRC64_TABLE.append(_fp)


def crc64_avro(data: bytes) -> int:
    """The Avro specification's CRC-64-AVRO (Rabin) fingerprint of bytes."""
    fp = _CRC64_EMPTY
    for byte in data:
        fp = (fp >> 8) ^ _CRC64_TABLE[(fp ^ byte) & 0xFF]
    return fp


def wire_fingerprint(parsed_schema) -> bytes:
    """The 8 bytes after the marker: the fingerprint of the parsing canonical form, little-endian."""
    canonical = fastavro.schema.to_parsing_canonical_form(parsed_schema)
    return struct.pack("<Q", crc64_avro(canonical.encode("utf-8")))


class SingleObjectDecoder:
    """Decodes single-object encoded values written with any of the known schema versions."""

    def __init__(self, schema_paths):
        self.writers = {}
        self.reader = None
        for path in schema_paths:
            with open(path, encoding="utf-8") as f:
                parsed = fastavro.parse_schema(json.load(f), _write_hint=False)
            self.writers[wire_fingerprint(parsed)] = parsed
            if self.reader is None:
                self.reader = parsed  # the first schema given is the one records are read as

    def decode(self, value: bytes):
        if value is None or len(value) < 10 or value[:2] != MARKER:
            raise ValueError("not single-object encoded (no C3 01 marker)")
        writer = self.writers.get(value[2:10])
        if writer is None:
            raise ValueError("unknown writer schema fingerprint " + value[2:10].hex())
        return fastavro.schemaless_reader(io.BytesIO(value[10:]), writer, self.reader)


class PcapWriter:
    """A classic pcap file: little-endian, microsecond timestamps, version 2.4, Ethernet."""

    def __init__(self, path):
        self.file = open(path, "wb")
        self.file.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAP_LENGTH, LINKTYPE_ETHERNET))

    def write(self, timestamp_micros, data, original_length):
        data = data[:SNAP_LENGTH]
        seconds, micros = divmod(timestamp_micros, 1_000_000)
        self.file.write(struct.pack("<IIII", seconds, micros, len(data), max(original_length, len(data))))
        self.file.write(data)

    def close(self):
        self.file.close()


def consumer_config(args):
    config = {
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.group or "tapline-pcap-example-" + str(uuid.uuid4()),
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest" if args.from_beginning else "latest",
        "enable.auto.commit": False,
        "client.id": "tapline-pcap-example-python",
    }
    if args.security_protocol:
        config["security.protocol"] = args.security_protocol
    if args.sasl_mechanism:
        config["sasl.mechanism"] = args.sasl_mechanism
    if args.sasl_username:
        config["sasl.username"] = args.sasl_username
    if args.sasl_password_file:
        with open(args.sasl_password_file, encoding="utf-8") as f:
            config["sasl.password"] = f.read().strip()
    elif os.environ.get("TAPLINE_KAFKA_SASL_PASSWORD"):
        config["sasl.password"] = os.environ["TAPLINE_KAFKA_SASL_PASSWORD"]
    if args.ssl_ca_location:
        config["ssl.ca.location"] = args.ssl_ca_location
    return config


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write tapline.packets.mirrored to a pcap file.")
    parser.add_argument("output", help="pcap file to write (replaced)")
    parser.add_argument("--bootstrap-servers", default=os.environ.get("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--topic", default=TOPIC)
    parser.add_argument("--session", help="only this session's packets (tms-...); default: every session")
    parser.add_argument("--max-packets", type=int, default=0, help="stop after this many packets (0: until Ctrl-C)")
    parser.add_argument("--from-beginning", action="store_true",
                        help="start at the oldest retained record instead of the end of the topic")
    parser.add_argument("--timeout", type=float, default=0,
                        help="give up after this many seconds (exit 3 if fewer than --max-packets were written)")
    parser.add_argument("--group", help="consumer group (default: a throw-away one)")
    parser.add_argument("--schema", action="append",
                        help="writer schema .avsc, repeatable (older versions too); the first is the reader's."
                             " Default: schemas/avsc/MirroredPacketBatch.avsc of this repository")
    parser.add_argument("--security-protocol", help="PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL")
    parser.add_argument("--sasl-mechanism", help="SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN")
    parser.add_argument("--sasl-username")
    parser.add_argument("--sasl-password-file", help="file holding the SASL password (or set TAPLINE_KAFKA_SASL_PASSWORD)")
    parser.add_argument("--ssl-ca-location", help="PEM file of the CA that signed the brokers' certificates")
    args = parser.parse_args(argv)

    schemas = args.schema or sorted(glob.glob(DEFAULT_SCHEMAS))
    if not schemas:
        parser.error("no schema found at " + DEFAULT_SCHEMAS + "; give --schema")
    decoder = SingleObjectDecoder(schemas)
    consumer = Consumer(consumer_config(args))
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    pcap = PcapWriter(args.output)
    written = skipped = 0
    deadline = time.monotonic() + args.timeout if args.timeout > 0 else None
    print("writing mirrored packets" + (" of " + args.session if args.session else "") + " to " + args.output,
          file=sys.stderr)
    try:
        consumer.subscribe([args.topic])
        while not stop and (args.max_packets <= 0 or written < args.max_packets):
            if deadline is not None and time.monotonic() > deadline:
                break
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise KafkaException(message.error())
            try:
                batch = decoder.decode(message.value())
            except Exception as e:  # pylint: disable=broad-except -- bad bytes: count and go on, never crash
                skipped += 1
                print("skipped record %d@%d: %s" % (message.partition(), message.offset(), e), file=sys.stderr)
                continue
            if args.session and batch["trafficMirrorSessionId"] != args.session:
                continue
            for packet in batch["packets"]:
                if 0 < args.max_packets <= written:
                    break
                pcap.write(packet["timestampMicros"], packet["data"], packet["originalLength"])
                written += 1
    finally:
        pcap.close()
        consumer.close()
    print("%d packets written to %s (%d records skipped)" % (written, args.output, skipped), file=sys.stderr)
    if args.max_packets > 0 and written < args.max_packets and not stop:
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
