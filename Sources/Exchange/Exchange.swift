public enum ExchangeModule {}
