package dev.toolgate.core.net;

import java.util.List;

/** A list of CIDR blocks; an address is in the set when any block contains it. */
public record CidrSet(List<CidrBlock> blocks) {
  public CidrSet {
    blocks = List.copyOf(blocks);
  }

  public static CidrSet parse(List<String> texts) {
    return new CidrSet(texts.stream().map(CidrBlock::parse).toList());
  }

  public boolean contains(String address) {
    byte[] bytes = CidrBlock.literal(address);
    if (bytes == null) {
      return false;
    }
    for (CidrBlock block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }
}
