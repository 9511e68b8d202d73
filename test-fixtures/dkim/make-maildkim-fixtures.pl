#!/usr/bin/perl
# Signs the messages in messages/ with Perl's Mail::DKIM (Debian's libmail-dkim-perl), an
# implementation independent of ours and of dkimpy, and writes them to maildkim/signed/ with a
# manifest. Run once from anywhere:
#
#     perl test-fixtures/dkim/make-maildkim-fixtures.pl
#
# The key is keys/rsa2048.pem, published in zone.yaml as the selector rsa2048 of signer.example.
# Only rsa-sha256: Mail::DKIM 1.20230212 has no ed25519-sha256 algorithm class (RFC 8463 support
# came to Mail::DKIM later and needs CryptX, which is not installed). t= is fixed, and RSA
# PKCS#1 v1.5 signatures are deterministic, so a second run writes the same bytes.
# The tests only read the output; they never need Perl.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Spec;
use JSON::PP;
use Mail::DKIM;
use Mail::DKIM::PrivateKey;
use Mail::DKIM::Signature;
use Mail::DKIM::Signer;
use Mail::DKIM::Verifier;
use lib dirname( File::Spec->rel2abs(__FILE__) );
use MaildkimZone;

my $HERE      = dirname( File::Spec->rel2abs(__FILE__) );
my $DOMAIN    = 'signer.example';
my $SELECTOR  = 'rsa2048';
my $SIGNED_AT = 1793613600;    # 2026-11-02T10:00:00Z, SIGNED_AT of packages/dkim/test/fixtures.ts
my $KEY = Mail::DKIM::PrivateKey->load( File => "$HERE/keys/rsa2048.pem" );

# (canonicalization, l= kind, header list kind)
#   l=: '' none, 'full' the whole canonicalized body, 'half' half of it (unsigned content after it)
#   headers: 'default' Mail::DKIM's list of the present fields, 'oversigned' From and Subject named
#   once more than they occur and To as many times as it occurs, 'explicit' a fixed h= naming an
#   absent field
my @VARIANTS = (
    [ 'simple/simple',   '',     'default' ],
    [ 'relaxed/relaxed', '',     'default' ],
    [ 'relaxed/simple',  '',     'default' ],
    [ 'simple/relaxed',  '',     'oversigned' ],
    [ 'relaxed/relaxed', 'full', 'oversigned' ],
    [ 'simple/simple',   'full', 'explicit' ],
    [ 'relaxed/simple',  'half', 'default' ],
);

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "$path: $!";
    local $/;
    return scalar <$fh>;
}

sub spew {
    my ( $path, $bytes ) = @_;
    open my $fh, '>:raw', $path or die "$path: $!";
    print {$fh} $bytes;
    close $fh or die "$path: $!";
}

# One signing pass. $body_count undef: no l=; otherwise l= that many octets.
sub sign_once {
    my ( $message, $method, $headers, $body_count ) = @_;
    my %common = (
        Algorithm => 'rsa-sha256',
        Method    => $method,
        Domain    => $DOMAIN,
        Selector  => $SELECTOR,
        Key       => $KEY,
        Timestamp => $SIGNED_AT,
    );
    my $policy = sub {
        my ($signer) = @_;
        my $h =
            $headers eq 'explicit' ? 'from:to:subject:date:x-absent'
          : $signer->headers;
        my $signature = Mail::DKIM::Signature->new( %common, Headers => $h );
        $signature->body_count($body_count) if defined $body_count;
        $signer->add_signature($signature);
        return 0;
    };
    my $signer = Mail::DKIM::Signer->new(
        %common,
        Policy => $policy,
        (
            $headers eq 'oversigned'
            ? ( ExtendedHeaders => { from => '+', subject => '+', to => '*' } )
            : ()
        ),
    );
    $signer->PRINT($message);
    $signer->CLOSE;
    my $algorithm = $signer->{algorithms}[0];
    my $canon     = $algorithm->{body_canon} || $algorithm->{canon};
    return ( $signer->signature->as_string, $canon->body_count );
}

sub sign_variant {
    my ( $message, $method, $length, $headers ) = @_;
    return ( sign_once( $message, $method, $headers, undef ) )[0] if $length eq '';

    # Mail::DKIM writes l= only when told the count: learn the canonicalized body length first.
    my ( undef, $canonical_length ) = sign_once( $message, $method, $headers, undef );
    my $count = $length eq 'full' ? $canonical_length : int( $canonical_length / 2 );
    return ( sign_once( $message, $method, $headers, $count ) )[0];
}

# Mail::DKIM's own verdict on what it signed, over the same zone.yaml the tests read.
sub self_check {
    my ($signed) = @_;
    my $verifier = Mail::DKIM::Verifier->new( Strict => 1 );
    $verifier->PRINT($signed);
    $verifier->CLOSE;
    return $verifier->result_detail;
}

sub main {
    MaildkimZone::install("$HERE/zone.yaml");
    my $out = "$HERE/maildkim/signed";
    make_path($out);
    my @manifest;
    opendir my $dh, "$HERE/messages" or die $!;
    for my $name ( sort grep { /\.eml\z/ } readdir $dh ) {
        my $raw            = slurp("$HERE/messages/$name");
        my $stored_with_lf = $raw !~ /\r\n/;

        # Signed as the message travels, with CRLF line ends (RFC 6376 §5.3).
        ( my $message = $raw ) =~ s/\r?\n/\r\n/g;
        for my $variant (@VARIANTS) {
            my ( $method, $length, $headers ) = @$variant;
            my $field  = sign_variant( $message, $method, $length, $headers );
            my $signed = "$field\r\n$message";
            my $check  = self_check($signed);
            $check eq 'pass' or die "$name $method $length $headers: Mail::DKIM says $check\n";

            # Stored as given: a message with Unix line ends keeps them, the verifier restores CRLF.
            $signed =~ s/\r\n/\n/g if $stored_with_lf;
            ( my $c = $method ) =~ s{/}{-};
            my $file = join( '.',
                substr( $name, 0, -4 ), $c, ( $length ? "l-$length" : () ),
                $headers, 'eml' );
            spew( "$out/$file", $signed );
            push @manifest, {
                file             => $file,
                message          => $name,
                algorithm        => 'rsa-sha256',
                canonicalization => $method,
                bodyLength       => $length || JSON::PP::false,
                headers          => $headers,
            };
        }
    }
    my $json = JSON::PP->new->pretty->canonical;
    spew(
        "$out/manifest.json",
        $json->encode(
            {
                generator  => "Mail::DKIM $Mail::DKIM::VERSION",
                signatures => \@manifest,
            }
        )
    );
}

main();
