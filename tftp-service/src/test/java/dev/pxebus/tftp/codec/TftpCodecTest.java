package dev.pxebus.tftp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pxebus.tftp.codec.TftpPacket.Ack;
import dev.pxebus.tftp.codec.TftpPacket.Data;
import dev.pxebus.tftp.codec.TftpPacket.ErrorPacket;
import dev.pxebus.tftp.codec.TftpPacket.OptionAck;
import dev.pxebus.tftp.codec.TftpPacket.ReadRequest;
import dev.pxebus.tftp.codec.TftpPacket.WriteRequest;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TftpCodecTest {

  @Test
  void readRequestLowerCasesModeAndOptionNamesAndKeepsRequestOrderAndValues() {
    byte[] wire = Bytes.op(1).z("EFI/Boot/BOOTX64.EFI").z("OCTET").z("TSize").z("0").z("BLKSIZE").z("1468")
        .z("WindowSize").z("4").z("x-Vendor").z("Some Value").build();
    ReadRequest rrq = assertInstanceOf(ReadRequest.class, TftpCodec.decode(wire));
    assertEquals("EFI/Boot/BOOTX64.EFI", rrq.filename(), "the filename keeps its case");
    assertEquals("octet", rrq.mode());
    assertEquals(Optional.of(TransferMode.OCTET), rrq.transferMode());
    assertEquals(List.of("tsize", "blksize", "windowsize", "x-vendor"), List.copyOf(rrq.options().keySet()));
    assertEquals("Some Value", rrq.options().get("x-vendor"));
  }

  @Test
  void requestWithoutOptionsAndWithUnknownMode() {
    ReadRequest rrq = assertInstanceOf(ReadRequest.class,
        TftpCodec.decode(Bytes.op(1).z("boot.ipxe").z("binary").build()));
    assertEquals(Map.of(), rrq.options());
    assertEquals("binary", rrq.mode());
    assertEquals(Optional.empty(), rrq.transferMode(), "unknown modes decode; refusing them is policy");
  }

  @Test
  void netasciiAndMailModesInAnyCase() {
    assertEquals(Optional.of(TransferMode.NETASCII), TransferMode.parse("NetASCII"));
    assertEquals(Optional.of(TransferMode.MAIL), TransferMode.parse("MAIL"));
    assertEquals("netascii", TransferMode.NETASCII.wireName());
  }

  @Test
  void trailingNulPaddingAfterTheLastOptionIsTolerated() {
    byte[] wire = Bytes.op(1).z("pxelinux.0").z("octet").z("tsize").z("0").zeros(5).build();
    ReadRequest rrq = assertInstanceOf(ReadRequest.class, TftpCodec.decode(wire));
    assertEquals(Map.of("tsize", "0"), rrq.options());
    ReadRequest bare = assertInstanceOf(ReadRequest.class,
        TftpCodec.decode(Bytes.op(1).z("pxelinux.0").z("octet").zeros(3).build()));
    assertEquals(Map.of(), bare.options());
  }

  @Test
  void emptyOptionValueDecodes() {
    ReadRequest rrq = assertInstanceOf(ReadRequest.class,
        TftpCodec.decode(Bytes.op(1).z("f").z("octet").z("tsize").z("").build()));
    assertEquals(Map.of("tsize", ""), rrq.options(), "the negotiator, not the codec, judges option values");
  }

  @Test
  void writeRequestDecodesLikeAReadRequest() {
    WriteRequest wrq = assertInstanceOf(WriteRequest.class,
        TftpCodec.decode(Bytes.op(2).z("upload.bin").z("octet").z("tsize").z("1234").build()));
    assertEquals("upload.bin", wrq.filename());
    assertEquals(Map.of("tsize", "1234"), wrq.options());
    assertEquals(Opcode.WRQ, wrq.opcode());
  }

  @Test
  void utf8FilenameRoundTrips() {
    byte[] wire = Bytes.op(1).z("bootstrap/café.cfg").z("octet").build();
    ReadRequest rrq = assertInstanceOf(ReadRequest.class, TftpCodec.decode(wire));
    assertEquals("bootstrap/café.cfg", rrq.filename());
    assertArrayEquals(wire, TftpCodec.encode(rrq));
  }

  @Test
  void filenameOf512BytesIsAccepted() {
    String name = "a".repeat(TftpCodec.MAX_FILENAME_LENGTH);
    ReadRequest rrq = assertInstanceOf(ReadRequest.class, TftpCodec.decode(Bytes.op(1).z(name).z("octet").build()));
    assertEquals(name, rrq.filename());
  }

  @Test
  void dataDecodesAsAViewAndEncodesBack() {
    byte[] wire = Bytes.op(3).u16(65535).s("hello").build();
    Data data = assertInstanceOf(Data.class, TftpCodec.decode(wire));
    assertEquals(65535, data.block());
    assertEquals(5, data.length());
    assertArrayEquals("hello".getBytes(), data.payloadBytes());
    assertArrayEquals(wire, TftpCodec.encode(data));
    assertEquals(Data.of(65535, "hello".getBytes()), data, "equality compares payload bytes");
    assertEquals("Data[block=65535, length=5]", data.toString());
  }

  @Test
  void emptyFinalDataBlock() {
    byte[] wire = Bytes.op(3).u16(7).build();
    Data data = assertInstanceOf(Data.class, TftpCodec.decode(wire));
    assertEquals(0, data.length());
    assertArrayEquals(wire, TftpCodec.encode(data));
  }

  @Test
  void largestDataPayloadDecodes() {
    byte[] wire = Bytes.op(3).u16(1).zeros(TftpCodec.MAX_BLKSIZE).build();
    assertEquals(TftpCodec.MAX_BLKSIZE, assertInstanceOf(Data.class, TftpCodec.decode(wire)).length());
  }

  @Test
  void dataPayloadViewCannotBeDisturbedThroughTheAccessor() {
    Data data = Data.of(1, new byte[] {1, 2, 3});
    data.payload().position(3);
    assertEquals(3, data.payload().remaining());
    assertTrue(data.payload().isReadOnly());
  }

  @Test
  void decodingFromAByteBufferLeavesItsPositionAlone() {
    ByteBuffer buf = ByteBuffer.allocate(64);
    buf.put(new byte[] {9, 9}); // unrelated bytes before the datagram
    int start = buf.position();
    buf.put(Bytes.op(4).u16(42).build()).flip().position(start);
    assertEquals(new Ack(42), TftpCodec.decode(buf));
    assertEquals(start, buf.position());
  }

  @Test
  void decodesAnArrayRange() {
    byte[] big = new byte[20];
    System.arraycopy(Bytes.op(4).u16(7).build(), 0, big, 10, 4);
    assertEquals(new Ack(7), TftpCodec.decode(big, 10, 4));
  }

  @Test
  void ackRoundTrips() {
    byte[] wire = Bytes.op(4).u16(0).build();
    assertEquals(new Ack(0), TftpCodec.decode(wire));
    assertArrayEquals(wire, TftpCodec.encode(new Ack(0)));
  }

  @Test
  void errorRoundTripsWithKnownAndUnknownCodes() {
    byte[] wire = Bytes.op(5).u16(1).z("File not found").build();
    ErrorPacket e = assertInstanceOf(ErrorPacket.class, TftpCodec.decode(wire));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertArrayEquals(wire, TftpCodec.encode(e));

    byte[] odd = Bytes.op(5).u16(42).z("vendor specific").build();
    ErrorPacket unknown = assertInstanceOf(ErrorPacket.class, TftpCodec.decode(odd));
    assertEquals(42, unknown.code().value());
    assertFalse(unknown.code().isKnown());
    assertEquals("UNKNOWN(42)", unknown.code().name());
    assertArrayEquals(odd, TftpCodec.encode(unknown), "unknown codes are preserved");
  }

  @Test
  void errorWithoutTerminatorOrMessageStillDecodes() {
    ErrorPacket noNul = assertInstanceOf(ErrorPacket.class,
        TftpCodec.decode(Bytes.op(5).u16(8).s("User aborted").build()));
    assertEquals("User aborted", noNul.message());
    ErrorPacket bare = assertInstanceOf(ErrorPacket.class, TftpCodec.decode(Bytes.op(5).u16(0).build()));
    assertEquals("", bare.message());
    ErrorPacket badUtf8 = assertInstanceOf(ErrorPacket.class,
        TftpCodec.decode(Bytes.op(5).u16(0).u8(0xff, 'x', 0).build()));
    assertEquals("\uFFFDx", badUtf8.message(), "an ERROR's text is for the log: decoded leniently");
  }

  @Test
  void optionAckRoundTripsInOrder() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("blksize", "1468");
    options.put("tsize", "173792");
    OptionAck oack = new OptionAck(options);
    byte[] wire = Bytes.op(6).z("blksize").z("1468").z("tsize").z("173792").build();
    assertArrayEquals(wire, TftpCodec.encode(oack));
    assertEquals(oack, TftpCodec.decode(wire));
  }

  @Test
  void dataGoesIntoACallerBufferHeaderFirstThenPayloadWithoutCopies() {
    ByteBuffer out = ByteBuffer.allocate(4 + 8);
    TftpCodec.putDataHeader(out, 0x1234);
    out.put("payload!".getBytes()); // what a BlockSource read would do
    out.flip();
    Data data = assertInstanceOf(Data.class, TftpCodec.decode(out));
    assertEquals(0x1234, data.block());
    assertArrayEquals("payload!".getBytes(), data.payloadBytes());
  }

  @Test
  void encodeIntoABuffer() {
    ByteBuffer out = ByteBuffer.allocate(32);
    int n = TftpCodec.encode(Data.of(3, new byte[] {1, 2}), out);
    assertEquals(6, n);
    assertEquals(6, out.position());
    n = TftpCodec.encode(new Ack(3), out);
    assertEquals(4, n);
    assertArrayEquals(Bytes.op(3).u16(3).u8(1, 2).u16(4).u16(3).build(), java.util.Arrays.copyOf(out.array(), 10));
  }

  @Test
  void encodeIntoATooSmallBufferWritesNothing() {
    ByteBuffer small = ByteBuffer.allocate(5);
    assertThrows(BufferOverflowException.class, () -> TftpCodec.encode(Data.of(1, new byte[] {1, 2}), small));
    assertThrows(BufferOverflowException.class, () -> TftpCodec.encode(new ErrorPacket(ErrorCode.NOT_DEFINED, "x"),
        ByteBuffer.allocate(5)));
    assertEquals(0, small.position());
  }

  @Test
  void unknownTransferIdReply() {
    assertArrayEquals(Bytes.op(5).u16(5).z("Unknown transfer ID").build(), TftpCodec.unknownTransferId());
    assertEquals(ErrorCode.UNKNOWN_TRANSFER_ID, ErrorPacket.unknownTransferId().code());
  }

  @Test
  void recordsRefuseWhatCannotBeEncoded() {
    assertThrows(IllegalArgumentException.class, () -> new Ack(65536));
    assertThrows(IllegalArgumentException.class, () -> new Ack(-1));
    assertThrows(IllegalArgumentException.class, () -> new ReadRequest("", "octet"));
    assertThrows(IllegalArgumentException.class, () -> new ReadRequest("a\0b", "octet"));
    assertThrows(IllegalArgumentException.class, () -> new ReadRequest("f", "octet", Map.of("", "1")));
    assertThrows(IllegalArgumentException.class,
        () -> new OptionAck(orderedMap("blksize", "512", "BLKSIZE", "1024")));
    assertThrows(IllegalArgumentException.class, () -> Data.of(1, new byte[TftpCodec.MAX_BLKSIZE + 1]));
    assertThrows(IllegalArgumentException.class, () -> new ErrorCode(70000));
    assertThrows(IllegalArgumentException.class, () -> TftpCodec.putDataHeader(ByteBuffer.allocate(4), 65536));
  }

  @Test
  void errorCodeNames() {
    assertEquals("FILE_NOT_FOUND", ErrorCode.of(1).name());
    assertEquals("OPTION_REFUSED", ErrorCode.of(8).name());
    assertEquals("8 OPTION_REFUSED", ErrorCode.OPTION_REFUSED.toString());
    assertEquals(ErrorCode.UNKNOWN_TRANSFER_ID, ErrorCode.of(5));
    assertEquals(ErrorCode.of(9), new ErrorCode(9));
  }

  @Test
  void opcodes() {
    assertEquals(Optional.of(Opcode.OACK), Opcode.of(6));
    assertEquals(Optional.empty(), Opcode.of(7));
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }
}
